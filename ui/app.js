// BelBot side panel: plain JavaScript, no build step, no external resources.
"use strict";

const state = { conversationId: null, key: localStorage.getItem("belbot-key") || "" };
const $ = (id) => document.getElementById(id);

function headers() {
  return { "Content-Type": "application/json", Authorization: `Bearer ${state.key}` };
}

function setStatus(text) {
  $("status").textContent = text;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers() });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.message || `Fout ${response.status}`);
  }
  return body;
}

function postEvent(kind, extra) {
  const body = { kind, conversation_id: state.conversationId, client_time: new Date().toISOString(), ...extra };
  fetch("/v1/events", { method: "POST", headers: headers(), body: JSON.stringify(body) }).catch(() => {});
}

async function loadVersions() {
  try {
    const ready = await fetch("/readyz").then((r) => r.json());
    $("versions").textContent =
      `model ${ready.model} · kennisbank ${ready.index_version} · prompt ${ready.prompt_version}` +
      ` · beleid ${ready.policy_version}`;
  } catch {
    $("versions").textContent = "versie onbekend";
  }
}

// The typed question with its redacted spans marked, so the agent sees what was removed.
function renderAsked(node, question, redactions) {
  node.textContent = "";
  let cursor = 0;
  for (const r of [...redactions].sort((a, b) => a.start - b.start)) {
    node.append(question.slice(cursor, r.start));
    const mark = document.createElement("mark");
    mark.textContent = r.placeholder;
    mark.title = "Persoonsgegeven verwijderd voordat BelBot de vraag verwerkte";
    node.append(mark);
    cursor = r.end;
  }
  node.append(question.slice(cursor));
}

const PATH_NOTES = {
  refused: "BelBot geeft geen antwoord: zie de toelichting en de dichtstbijzijnde bronnen.",
  extractive: "Letterlijk geciteerd uit de bron (geen samenvatting door het taalmodel).",
};

function renderAnswer(turn, question, answer) {
  renderAsked(turn.querySelector(".asked"), question, answer.redactions || []);
  if ((answer.redactions || []).length) {
    const note = turn.querySelector(".redacted-note");
    note.hidden = false;
    note.textContent = `${answer.redactions.length} persoonsgegeven(s) verwijderd; de fiscale vraag is beantwoord.`;
  }
  const text = turn.querySelector(".answer");
  text.classList.remove("draft");
  text.textContent = answer.text;
  const pathNote = turn.querySelector(".path-note");
  const note = PATH_NOTES[answer.path];
  if (note || answer.cached) {
    pathNote.hidden = false;
    pathNote.textContent = [note, answer.cached ? "Eerder gegeven antwoord hergebruikt." : ""]
      .filter(Boolean).join(" ") + (answer.path === "generated" ? "" : ` (${answer.path_reason})`);
  }
  const list = turn.querySelector(".sources");
  list.textContent = "";
  for (const c of answer.citations) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "source";
    button.setAttribute("aria-expanded", "false");
    button.textContent = `[${c.marker}] ${c.title}${c.section ? " — " + c.section : ""} (r. ${c.line_start}-${c.line_end})`;
    button.addEventListener("click", () => toggleSource(item, button, c, answer));
    item.append(button);
    list.append(item);
  }
  const actions = turn.querySelector(".actions");
  actions.querySelector(".copy").onclick = async () => {
    await navigator.clipboard?.writeText(answer.text).catch(() => {});
    postEvent("answer_copied", { answer_id: answer.answer_id });
    turn.querySelector(".feedback-status").textContent = "Gekopieerd.";
  };
  actions.querySelector(".up").onclick = () => sendFeedback(turn, answer, "up");
  actions.querySelector(".down").onclick = () => {
    const form = turn.querySelector(".feedback");
    form.hidden = false;
    form.querySelector(".reason").focus();
  };
  turn.querySelector(".feedback").onsubmit = (event) => {
    event.preventDefault();
    sendFeedback(turn, answer, "down");
  };
  postEvent("answer_shown", { answer_id: answer.answer_id });
}

async function toggleSource(item, button, citation, answer) {
  const open = item.querySelector(".context");
  if (open) {
    open.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  try {
    const source = await api(`/v1/sources/${citation.chunk_id}`);
    const box = document.createElement("div");
    box.className = "context";
    const strong = document.createElement("strong");
    strong.textContent = citation.text;  // as shown with the answer (identifying numbers masked)
    box.append(`${source.publisher || ""} ${source.date || ""}\n…${source.before.slice(-300)}`, strong,
      `${source.after.slice(0, 300)}…`);
    item.append(box);
    button.setAttribute("aria-expanded", "true");
    postEvent("source_opened", { answer_id: answer.answer_id, chunk_id: citation.chunk_id });
  } catch (error) {
    setStatus(error.message);
  }
}

async function sendFeedback(turn, answer, rating) {
  const body = { rating };
  if (rating === "down") {
    body.reason = turn.querySelector(".reason").value;
    const comment = turn.querySelector(".comment").value.trim();
    if (comment) body.comment = comment;
  }
  try {
    await api(`/v1/answers/${answer.answer_id}/feedback`, { method: "POST", body: JSON.stringify(body) });
    turn.querySelector(".feedback").hidden = true;
    turn.querySelector(".feedback-status").textContent = "Bedankt, feedback opgeslagen.";
  } catch (error) {
    turn.querySelector(".feedback-status").textContent = error.message;
  }
}

// Reads server-sent events from a POST response: draft tokens, then the verified answer.
async function ask(question) {
  const turn = $("turn-template").content.firstElementChild.cloneNode(true);
  turn.querySelector(".asked").textContent = question;
  const text = turn.querySelector(".answer");
  text.classList.add("draft");
  $("history").append(turn);
  setStatus("BelBot zoekt in de kennisbank…");
  const response = await fetch("/v1/ask/stream", {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ question, conversation_id: state.conversationId }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    turn.remove();
    throw new Error(body.message || `Fout ${response.status}`);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let split;
    while ((split = buffer.indexOf("\n\n")) >= 0) {
      const raw = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const event = /^event: (.*)$/m.exec(raw)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(raw)?.[1] || "{}");
      if (event === "token") {
        text.textContent += data.text;
        setStatus("Concept (nog niet gecontroleerd)…");
      } else if (event === "answer") {
        state.conversationId = data.conversation_id;
        renderAnswer(turn, question, data);
        setStatus("");
      } else if (event === "error") {
        throw new Error(data.message);
      }
    }
  }
}

function init() {
  $("apikey").value = state.key;
  $("keybox").open = !state.key;
  $("savekey").onclick = () => {
    state.key = $("apikey").value.trim();
    localStorage.setItem("belbot-key", state.key);
    $("keybox").open = false;
    setStatus("Sleutel opgeslagen.");
  };
  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("askform").requestSubmit();
    }
  });
  $("askform").onsubmit = async (event) => {
    event.preventDefault();
    const question = $("question").value.trim();
    if (!question) {
      setStatus("Typ eerst een vraag.");
      return;
    }
    $("send").disabled = true;
    try {
      await ask(question);
      $("question").value = "";
    } catch (error) {
      setStatus(error.message);
    } finally {
      $("send").disabled = false;
      $("question").focus();
    }
  };
  $("newconv").onclick = () => {
    if (state.conversationId) postEvent("conversation_ended", {});
    state.conversationId = null;
    $("history").textContent = "";
    setStatus("Nieuw gesprek.");
    $("question").focus();
  };
  loadVersions();
}

init();
