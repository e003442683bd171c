// BelBot side panel: plain JavaScript, no build step, no external resources.
"use strict";

const state = {
  conversationId: null,
  key: localStorage.getItem("belbot-key") || "",
  answers: 0,  // answers shown in this conversation
  changes: 0,  // answers and feedback: what a confirmation draft is built from
  drafted: 0,  // `changes` when the open confirmation was drafted
  pending: new Set(),  // display events still on their way to the server
  busy: false,  // a confirmation request is under way
  confirmation: null,  // the open confirmation (kept in memory only, never in localStorage)
  checkedText: null,  // the text the last source check covered
  lastAnswerId: null,  // the latest answer of this conversation (escalations refer to it)
  recorded: true,  // false once the caller objected ("niet bewaren")
  escalationOptions: null,  // GET /v1/escalation-options, loaded when first needed
};

function headers() {
  return authHeaders(state.key);
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
  const sent = fetch("/v1/events", { method: "POST", headers: headers(), body: JSON.stringify(body) })
    .catch(() => {})
    .finally(() => state.pending.delete(sent));
  state.pending.add(sent);
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
  const chip = turn.querySelector(".tag-chip");
  if (answer.tag && answer.tag.label) {
    chip.hidden = false;
    chip.textContent = `Onderwerp: ${answer.tag.label}`;
    chip.title = `Automatisch bepaald (zekerheid ${Math.round(answer.tag.confidence * 100)}%)`;
  }
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
    const result = await api(`/v1/answers/${answer.answer_id}/feedback`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    turn.querySelector(".feedback").hidden = true;
    turn.querySelector(".feedback-status").textContent = result.recorded === false
      ? "Bedankt, feedback geteld (dit gesprek wordt niet bewaard)."
      : "Bedankt, feedback opgeslagen.";
    conversationChanged();
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
  const body = { question, conversation_id: state.conversationId };
  if (!state.conversationId && $("norecord-start").checked) body.record = false;
  const response = await fetch("/v1/ask/stream", {
    method: "POST",
    headers: headers(),
    body: JSON.stringify(body),
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
        if (!state.conversationId) startConversation(body.record !== false);
        state.conversationId = data.conversation_id;
        state.lastAnswerId = data.answer_id;
        renderAnswer(turn, question, data);
        setStatus("");
        state.answers += 1;
        conversationChanged();
      } else if (event === "error") {
        throw new Error(data.message);
      }
    }
  }
}

// Written confirmation for the caller: draft, edit, check against the sources, approve, correct,
// download. The text stays in the page: it is never logged nor stored in the browser.
const CONF_NO_DOWNLOAD = "Downloaden kan na het goedkeuren: dan staat uw bewerkte tekst erin.";

function conversationChanged() {
  state.changes += 1;
  $("conf-draft").disabled = state.answers === 0;
  $("conf-draft-hint").textContent = state.confirmation
    ? "Het gesprek is gewijzigd na het opstellen; stel de bevestiging opnieuw op om dat mee te nemen."
    : "";
  $("conf-draft-hint").hidden = !state.confirmation;
}

function confStatus(text) {
  $("conf-status").textContent = text;
}

function resetConfirmation() {
  state.answers = 0;
  state.changes = 0;
  state.drafted = 0;
  state.confirmation = null;
  state.checkedText = null;
  $("conf-text").value = "";
  $("conf-body").hidden = true;
  $("conf-draft").disabled = true;
  $("conf-draft-hint").hidden = false;
  $("conf-draft-hint").textContent = "Kan zodra het gesprek een antwoord heeft.";
}

function showConfirmation(confirmation) {
  state.confirmation = confirmation;
  state.checkedText = null;
  const approved = confirmation.status === "approved";
  $("conf-body").hidden = false;
  $("conf-state").textContent = approved
    ? `Goedgekeurd (versie ${confirmation.version}) · kenmerk ${confirmation.reference}`
    : `Concept (versie ${confirmation.version}) · kenmerk ${confirmation.reference}`;
  $("conf-state").classList.toggle("approved", approved);
  const text = $("conf-text");
  text.value = approved ? confirmation.final_text || confirmation.draft_text : confirmation.draft_text;
  text.readOnly = approved;
  text.setSelectionRange(0, 0);  // start reading at the top of the letter
  text.scrollTop = 0;
  $("conf-text-label").textContent = approved
    ? "Bevestiging (goedgekeurd, niet meer bewerkbaar)"
    : "Bevestiging (bewerkbaar)";
  const omitted = $("conf-omitted");
  omitted.textContent = "";
  for (const item of confirmation.omitted) {
    const li = document.createElement("li");
    const topic = document.createElement("strong");
    topic.textContent = item.topic;
    li.append(topic, ` — ${item.reason}`);
    omitted.append(li);
  }
  if (!confirmation.omitted.length) {
    const li = document.createElement("li");
    li.textContent = "Niets: alle antwoorden staan erin.";
    omitted.append(li);
  }
  $("conf-edit-actions").hidden = approved;
  $("conf-confirm").hidden = true;
  $("conf-check-result").hidden = true;
  $("conf-correct").hidden = !approved;
  $("conf-download-text").disabled = !approved;
  $("conf-download-pdf").disabled = !approved;
  $("conf-download-hint").textContent = approved ? "" : CONF_NO_DOWNLOAD;
  $("conf-download-hint").hidden = approved;
  if (approved && confirmation.unsupported_in_final.length) {
    showCheck(confirmation.unsupported_in_final, "Goedgekeurd met zinnen zonder bron",
      'Deze zinnen staan niet in de bronnen van dit gesprek. Aanpassen kan met "Correctie maken".');
  }
}

// The sentences no source backs, as a warning; or the all-clear.
function showCheck(unsupported, heading = "Zonder bron",
  advice = "Deze zinnen staan niet in de bronnen van dit gesprek. Pas ze aan of haal ze weg.") {
  const box = $("conf-check-result");
  box.textContent = "";
  box.hidden = false;
  box.className = unsupported.length ? "warning" : "ok";
  if (!unsupported.length) {
    const p = document.createElement("p");
    p.textContent = "Alle zinnen hebben een bron.";
    box.append(p);
    return;
  }
  const h = document.createElement("h3");
  h.id = "conf-unsupported-heading";
  h.textContent = heading;
  const p = document.createElement("p");
  p.textContent = advice;
  const list = document.createElement("ul");
  list.setAttribute("aria-labelledby", h.id);
  for (const sentence of unsupported) {
    const li = document.createElement("li");
    li.textContent = sentence;
    list.append(li);
  }
  box.append(h, p, list);
}

// One confirmation request at a time. Buttons stay enabled (and focused) meanwhile: a second
// click is ignored instead.
async function confBusy(work) {
  if (state.busy) return;
  state.busy = true;
  $("confirmation").setAttribute("aria-busy", "true");
  try {
    await work();
  } catch (error) {
    confStatus(error.message);
  } finally {
    state.busy = false;
    $("confirmation").removeAttribute("aria-busy");
  }
}

async function draftConfirmation() {
  if (!state.conversationId) return;
  const button = $("conf-draft");
  button.disabled = true;
  confStatus("");
  setStatus("Bevestiging opstellen…");
  try {
    await Promise.allSettled([...state.pending]);  // the draft leaves out answers not shown
    const changes = state.changes;
    const confirmation = await api(`/v1/conversations/${state.conversationId}/confirmation`, {
      method: "POST",
    });
    state.drafted = changes;
    button.disabled = state.changes === state.drafted;
    $("conf-draft-hint").hidden = true;
    showConfirmation(confirmation);
    setStatus("");
    confStatus(`Concept opgesteld met ${confirmation.points.length} punt(en). Controleer en pas aan.`);
    $("conf-text").focus();
  } catch (error) {
    button.disabled = false;
    setStatus(error.message);
  }
}

async function checkConfirmation() {
  const text = $("conf-text").value;
  const result = await api(`/v1/confirmations/${state.confirmation.confirmation_id}/check`, {
    method: "POST",
    body: JSON.stringify({ text }),
  });
  state.checkedText = text;
  showCheck(result.unsupported);
  return result.unsupported;
}

async function approveConfirmation(force) {
  const text = $("conf-text").value;
  if (!force) {
    confStatus("Bronnen controleren…");
    const unsupported = await checkConfirmation();
    if (unsupported.length) {
      $("conf-confirm-text").textContent =
        `${unsupported.length} zin(nen) hebben geen bron (zie "Zonder bron" hieronder). ` +
        "Wilt u de bevestiging toch zo goedkeuren? Daarna verandert de tekst niet meer.";
      $("conf-confirm").hidden = false;
      $("conf-confirm").focus();
      confStatus("");
      return;
    }
  }
  confStatus("Goedkeuren…");
  const approved = await api(`/v1/confirmations/${state.confirmation.confirmation_id}/approve`, {
    method: "POST",
    body: JSON.stringify({ text }),
  });
  showConfirmation(approved);
  confStatus(`Goedgekeurd (versie ${approved.version}). U kunt de tekst of de PDF downloaden.`);
  $("conf-download-pdf").focus();
}

async function correctConfirmation() {
  const correction = await api(`/v1/confirmations/${state.confirmation.confirmation_id}/correction`, {
    method: "POST",
  });
  showConfirmation(correction);
  confStatus(`Correctie: nieuwe conceptversie ${correction.version}. Pas de tekst aan en keur opnieuw goed.`);
  $("conf-text").focus();
}

// The download endpoints need the key header, so fetch the file and hand the browser a blob.
async function downloadConfirmation(kind) {
  const c = state.confirmation;
  const response = await fetch(`/v1/confirmations/${c.confirmation_id}/${kind}`, { headers: headers() });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `Fout ${response.status}`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `bevestiging-${c.reference}-v${c.version}.${kind === "pdf" ? "pdf" : "txt"}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  confStatus(kind === "pdf" ? "PDF gedownload." : "Tekst gedownload.");
}

function initConfirmation() {
  $("conf-draft").onclick = draftConfirmation;
  $("conf-check").onclick = () => confBusy(async () => {
    confStatus("Bronnen controleren…");
    $("conf-confirm").hidden = true;
    const unsupported = await checkConfirmation();
    confStatus(unsupported.length
      ? `${unsupported.length} zin(nen) zonder bron.`
      : "Alle zinnen hebben een bron.");
  });
  $("conf-approve").onclick = () => confBusy(() => approveConfirmation(false));
  $("conf-approve-anyway").onclick = () => confBusy(() => approveConfirmation(true));
  $("conf-cancel").onclick = () => {
    $("conf-confirm").hidden = true;
    $("conf-text").focus();
  };
  $("conf-correct").onclick = () => confBusy(correctConfirmation);
  $("conf-download-text").onclick = () => confBusy(() => downloadConfirmation("text"));
  $("conf-download-pdf").onclick = () => confBusy(() => downloadConfirmation("pdf"));
  $("conf-text").addEventListener("input", () => {
    // "Toch goedkeuren" holds only for the text that was checked.
    $("conf-confirm").hidden = true;
    if (state.checkedText !== null && !$("conf-check-result").hidden) {
      confStatus("Tekst gewijzigd na de controle; controleer de bronnen opnieuw.");
    }
  });
}

// The conversation's own controls: escalate, and "niet bewaren" once it has begun.
function startConversation(recorded) {
  state.recorded = recorded;
  $("norecord-start-box").hidden = true;
  $("conversation").hidden = false;
  showRecorded();
}

function showRecorded() {
  $("norecord-marker").hidden = state.recorded;
  $("norecord-now").hidden = !state.recorded;
  $("norecord-now-hint").hidden = !state.recorded;
}

function resetConversationControls() {
  state.lastAnswerId = null;
  state.recorded = true;
  $("norecord-start").checked = false;
  $("norecord-start-box").hidden = false;
  $("conversation").hidden = true;
  $("norecord-marker").hidden = true;
  closeEscalation(false);
  escStatus("");
}

async function stopRecording() {
  if (!state.conversationId || !state.recorded) return;
  if (!window.confirm("De beller maakt bezwaar. Wat er van dit gesprek bewaard is wordt gewist " +
    "en de rest van het gesprek wordt niet bewaard (alleen tellingen blijven). Doorgaan?")) {
    return;
  }
  try {
    const result = await api(`/v1/conversations/${state.conversationId}/no-record`, { method: "POST" });
    state.recorded = false;
    showRecorded();
    const deleted = result.deleted_answers;
    setStatus(Number.isInteger(deleted) ? `${deleted} bewaard(e) antwoord(en) gewist.` : "");
    $("norecord-marker").focus();
  } catch (error) {
    setStatus(error.message);
  }
}

const ESCALATION_DEFAULTS = {
  targets: [{ id: "collega", label: "Collega" }, { id: "specialist", label: "Specialist" }],
  reasons: ["vraag valt buiten de kennisbank", "persoonlijke situatie te complex",
    "beller is ontevreden", "vermoeden van fraude", "technisch probleem", "anders"],
};

function escStatus(text, error = false) {
  $("esc-status").textContent = text;
  $("esc-status").classList.toggle("error", error);
}

async function loadEscalationOptions() {
  if (state.escalationOptions) return state.escalationOptions;
  let options = ESCALATION_DEFAULTS;
  try {
    options = await api("/v1/escalation-options");
    state.escalationOptions = options;
  } catch {
    // The form still works with the documented defaults.
  }
  const targets = $("esc-targets");
  targets.textContent = "";
  options.targets.forEach((target, index) => {
    const label = document.createElement("label");
    label.className = "radio";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "esc-target";
    input.value = target.id;
    input.checked = index === 0;
    label.append(input, target.label);
    targets.append(label);
  });
  const reason = $("esc-reason");
  reason.textContent = "";
  for (const text of options.reasons) {
    const option = document.createElement("option");
    option.value = text;
    option.textContent = text;
    reason.append(option);
  }
  return options;
}

async function openEscalation() {
  if (!$("esc-form").hidden) {
    closeEscalation(true);
    return;
  }
  await loadEscalationOptions();
  $("esc-form").hidden = false;
  $("esc-open").setAttribute("aria-expanded", "true");
  escStatus("");
  $("esc-form").querySelector("input[name=esc-target]:checked")?.focus();
}

function closeEscalation(focus) {
  $("esc-form").hidden = true;
  $("esc-open").setAttribute("aria-expanded", "false");
  if (focus) $("esc-open").focus();
}

async function sendEscalation(event) {
  event.preventDefault();
  if (!state.conversationId) return;
  const target = $("esc-form").querySelector("input[name=esc-target]:checked");
  if (!target) {
    escStatus("Kies naar wie u escaleert.", true);
    return;
  }
  const body = { target: target.value, reason: $("esc-reason").value };
  const note = $("esc-note").value.trim();
  if (note) body.note = note;
  if (state.lastAnswerId) body.answer_id = state.lastAnswerId;
  $("esc-submit").disabled = true;
  try {
    const result = await api(`/v1/conversations/${state.conversationId}/escalations`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    const label = target.parentElement.textContent.trim() || result.target;
    const time = new Date(result.created_at || Date.now())
      .toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
    closeEscalation(false);
    $("esc-note").value = "";
    escStatus(`Geëscaleerd naar ${label.toLowerCase()} (${result.reason || body.reason}) om ${time}.`);
    $("esc-open").focus();
  } catch (error) {
    escStatus(error.message, true);
  } finally {
    $("esc-submit").disabled = false;
  }
}

function initConversation() {
  $("esc-open").onclick = openEscalation;
  $("esc-cancel").onclick = () => closeEscalation(true);
  $("esc-form").onsubmit = sendEscalation;
  $("esc-form").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeEscalation(true);
  });
  $("norecord-now").onclick = stopRecording;
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
    resetConfirmation();
    resetConversationControls();
    setStatus("Nieuw gesprek.");
    $("question").focus();
  };
  initConfirmation();
  initConversation();
  loadVersions();
}

init();
