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
  epoch: 0,  // bumped whenever the panel switches conversation: late answers are dropped
  practice: false,  // practice mode ("Oefenen"): a practice conversation, never production
  session: null,  // the practice session (POST /v1/training/sessions)
  answered: false,  // the practice session's answer has been checked
  progress: null,  // GET /v1/training/progress
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
  const epoch = state.epoch;
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
      if (epoch !== state.epoch) {
        // The panel moved to another conversation (new call, practice mode on or off) while
        // this answer streamed: it belongs to the old one and must not carry its ID over.
        turn.remove();
        reader.cancel().catch(() => {});
        return;
      }
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
  $("norecord-start-box").hidden = state.practice;  // practice conversations: not an option
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

// Leaves the current conversation: the panel starts afresh (answers of the old one that are
// still streaming are dropped, see `epoch`).
function endConversation() {
  if (state.conversationId) postEvent("conversation_ended", {});
  state.conversationId = null;
  state.epoch += 1;
  $("history").textContent = "";
  resetConfirmation();
  resetConversationControls();
}

// ---------------------------------------------------------------- practice mode ("Oefenen")
// The trainee gets a caller scenario, may ask the simulated caller and BelBot (inside the
// practice conversation only), types the answer for the caller and gets feedback per fact.

const HOW = { exact: "letterlijk", variant: "variant", paraphrase: "in eigen woorden" };

function practiceStatus(text, error = false) {
  $("practice-status").textContent = text;
  $("practice-status").classList.toggle("error", error);
}

function setPracticeMode(on) {
  if (on === state.practice) return;
  endConversation();  // a production conversation never continues in practice, nor back
  state.practice = on;
  clearSession();
  document.body.classList.toggle("practice", on);
  $("practice-toggle").setAttribute("aria-pressed", String(on));
  $("practice-banner").hidden = !on;
  $("practice").hidden = !on;
  $("progress").hidden = !on;
  $("confirmation").hidden = on;
  $("norecord-start-box").hidden = on;
  $("newconv").hidden = on;
  $("title").textContent = on ? "BelBot — oefenen" : "BelBot";
  document.querySelector("label[for=question]").textContent =
    on ? "Vraag aan BelBot (in het oefengesprek)" : "Vraag van de beller";
  document.title = on ? "BelBot — oefenmodus" : "BelBot — zijpaneel";
  showAskBox();
  practiceStatus("");
  if (on) {
    setStatus("");
    loadProgress();
    $("practice-tag").focus();
  } else {
    setStatus("Oefenmodus uit. Nieuw gesprek.");
    $("question").focus();
  }
}

// BelBot's question box: always in the normal panel; in practice mode once a scenario runs.
function showAskBox() {
  const visible = !state.practice || state.session !== null;
  $("askform").hidden = !visible;
  $("history").hidden = !visible;
  $("practice-search-heading").hidden = !(state.practice && state.session);
}

function clearSession() {
  state.session = null;
  state.answered = false;
  $("scenario").hidden = true;
  $("caller").hidden = true;
  $("caller-dialogue").textContent = "";
  $("caller-question").value = "";
  $("practice-answer").hidden = true;
  $("practice-feedback").hidden = true;
  $("practice-answer-text").value = "";
  $("practice-answer-text").readOnly = false;
  $("answer-check").hidden = false;
  $("caller-form").hidden = false;
}

async function loadProgress() {
  try {
    const progress = await api("/v1/training/progress");
    state.progress = progress;
    renderProgress(progress);
  } catch (error) {
    practiceStatus(error.message, true);
  }
}

function renderProgress(progress) {
  const select = $("practice-tag");
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);  // keeps "Willekeurig onderwerp"
  const list = $("progress-list");
  list.textContent = "";
  let needed = null;
  for (const topic of progress.topics || []) {
    needed = topic.needed ?? needed;
    if (topic.scenarios > 0) {
      const option = document.createElement("option");
      option.value = topic.tag;
      option.textContent = topic.completed ? `${topic.tag_label} ✓` : topic.tag_label;
      select.append(option);
    }
    if (!topic.scenarios && !topic.attempts) continue;
    const item = document.createElement("li");
    item.className = topic.completed ? "done" : "";
    const label = document.createElement("strong");
    label.textContent = topic.tag_label;
    const status = document.createElement("span");
    status.className = "topic-state";
    status.textContent = topic.completed
      ? "✓ Onderwerp afgerond"
      : `${topic.passed} van ${topic.needed} geslaagd`;
    const detail = document.createElement("span");
    detail.className = "topic-detail";
    const parts = [`${topic.attempts} poging(en)`];
    if (typeof topic.mean_score === "number") parts.push(`gemiddeld ${percent(topic.mean_score)}`);
    detail.textContent = parts.join(" · ");
    item.append(label, " ", status, detail);
    list.append(item);
  }
  if (!list.children.length) {
    const item = document.createElement("li");
    item.textContent = "Nog geen oefeningen beschikbaar of gedaan.";
    list.append(item);
  }
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  $("progress-needed").textContent = needed
    ? `Een onderwerp is afgerond na ${needed} geslaagde oefening(en).`
    : "";
}

async function startSession() {
  const tag = $("practice-tag").value || null;
  const buttons = [$("practice-new"), $("practice-again")];
  for (const b of buttons) b.disabled = true;
  practiceStatus("Oefening zoeken…");
  try {
    const session = await api("/v1/training/sessions", {
      method: "POST",
      body: JSON.stringify({ tag }),
    });
    if (!state.practice) return;  // left practice mode meanwhile
    endConversation();  // the previous scenario's BelBot answers go with it
    clearSession();
    state.session = session;
    state.conversationId = session.conversation_id;  // /v1/ask goes into the practice conversation
    renderScenario(session.scenario);
    showAskBox();
    practiceStatus("Oefening gestart. Help de beller zoals in een echt gesprek.");
    $("scenario").scrollIntoView({ block: "start" });
    $("caller-question").focus();
  } catch (error) {
    practiceStatus(error.message, true);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function renderScenario(scenario) {
  $("scenario").hidden = false;
  $("scenario-question").textContent = scenario.question;
  $("scenario-tag").textContent = `Onderwerp: ${scenario.tag_label || scenario.tag}`;
  const level = Math.max(1, Math.min(3, Number(scenario.difficulty) || 1));
  const dots = $("scenario-difficulty");
  dots.textContent = "●".repeat(level) + "○".repeat(3 - level);
  dots.setAttribute("role", "img");
  dots.setAttribute("aria-label", `Moeilijkheid ${level} van 3`);
  dots.title = `Moeilijkheid ${level} van 3`;
  const askFirst = $("scenario-askfirst");
  askFirst.hidden = !scenario.ask_first_count;
  askFirst.textContent = scenario.ask_first_count
    ? `Tip: er ${scenario.ask_first_count === 1 ? "is 1 punt" : `zijn ${scenario.ask_first_count} punten`}` +
      " dat u eerst bij de beller moet uitvragen."
    : "";
  $("caller").hidden = false;
  $("practice-answer").hidden = false;
}

function addDialogue(who, text) {
  const item = document.createElement("li");
  item.className = who === "U" ? "me" : "them";
  const name = document.createElement("strong");
  name.textContent = `${who}: `;
  item.append(name, text);
  $("caller-dialogue").append(item);
}

async function askCaller(event) {
  event.preventDefault();
  if (!state.session) return;
  const question = $("caller-question").value.trim();
  if (!question) {
    practiceStatus("Typ eerst uw vraag aan de beller.", true);
    return;
  }
  const session = state.session;
  $("caller-send").disabled = true;
  try {
    const result = await api(`/v1/training/sessions/${session.session_id}/caller`, {
      method: "POST",
      body: JSON.stringify({ question }),
    });
    if (state.session !== session) return;
    addDialogue("U", question);
    addDialogue("Beller", result.reply);
    $("caller-question").value = "";
    practiceStatus("");
  } catch (error) {
    practiceStatus(error.message, true);
  } finally {
    $("caller-send").disabled = false;
    $("caller-question").focus();
  }
}

async function submitAnswer(event) {
  event.preventDefault();
  if (!state.session || state.answered) return;
  const answer = $("practice-answer-text").value.trim();
  if (!answer) {
    practiceStatus("Typ eerst uw antwoord aan de beller.", true);
    $("practice-answer-text").focus();
    return;
  }
  const session = state.session;
  $("answer-check").disabled = true;
  practiceStatus("Antwoord controleren…");
  try {
    const result = await api(`/v1/training/sessions/${session.session_id}/answer`, {
      method: "POST",
      body: JSON.stringify({ answer }),
    });
    if (state.session !== session) return;
    state.answered = true;
    $("practice-answer-text").readOnly = true;
    $("answer-check").hidden = true;
    $("caller-form").hidden = true;
    renderFeedback(result);
    practiceStatus("");
    loadProgress();
  } catch (error) {
    practiceStatus(error.message, true);
  } finally {
    $("answer-check").disabled = false;
  }
}

function mark(ok) {
  const span = document.createElement("span");
  span.className = ok ? "mark ok-mark" : "mark bad-mark";
  span.setAttribute("aria-hidden", "true");
  span.textContent = ok ? "✓" : "✗";
  return span;
}

function renderFeedback(result) {
  const box = $("practice-feedback");
  box.hidden = false;
  const verdict = $("fb-result");
  verdict.className = `fb-result ${result.passed ? "passed" : "failed"}`;
  verdict.textContent = `${result.passed ? "Geslaagd" : "Niet geslaagd"} — score ${percent(result.score)}` +
    ` (nodig: ${percent(result.pass_score)})`;

  const facts = $("fb-facts");
  facts.textContent = "";
  for (const fact of result.facts || []) {
    const item = document.createElement("li");
    item.className = fact.found ? "found" : "missed";
    const head = document.createElement("p");
    head.className = "fb-line";
    const verdictText = document.createElement("span");
    verdictText.className = "fb-verdict";
    verdictText.textContent = fact.found
      ? `Gevonden${HOW[fact.how] ? ` (${HOW[fact.how]})` : ""}: `
      : "Gemist: ";
    const text = document.createElement("span");
    text.textContent = fact.text;
    head.append(mark(fact.found), verdictText, text);
    item.append(head);
    if (fact.found && fact.evidence) {
      const evidence = document.createElement("p");
      evidence.className = "fb-evidence";
      evidence.textContent = `Uw woorden: “${fact.evidence}”`;
      item.append(evidence);
    }
    if (fact.source) item.append(sourceLink(fact.source));
    facts.append(item);
  }

  const asks = $("fb-ask");
  asks.textContent = "";
  for (const ask of result.ask_first || []) {
    const item = document.createElement("li");
    item.className = ask.asked ? "found" : "missed";
    const verdictText = document.createElement("span");
    verdictText.className = "fb-verdict";
    verdictText.textContent = ask.asked ? "Gevraagd: " : "Niet gevraagd: ";
    item.append(mark(ask.asked), verdictText, ask.text);
    asks.append(item);
  }
  if (!(result.ask_first || []).length) {
    const item = document.createElement("li");
    item.textContent = "Bij deze oefening hoefde u niets eerst uit te vragen.";
    asks.append(item);
  }

  $("fb-model").textContent = result.model_answer || "";
  const topic = result.topic;
  const line = $("fb-topic");
  line.textContent = "";
  line.classList.toggle("done", Boolean(topic?.completed));
  if (topic) {
    line.textContent = topic.completed
      ? `${topic.tag_label}: ${topic.passed} van ${topic.needed} geslaagd — ✓ Onderwerp afgerond`
      : `${topic.tag_label}: ${topic.passed} van ${topic.needed} geslaagd`;
  }
  box.focus();
  box.scrollIntoView({ block: "start" });
}

// The passage that holds a fact; opens its context like the panel's source links.
function sourceLink(source) {
  const wrap = document.createElement("div");
  wrap.className = "fb-source sources";
  const where = `${source.title || source.doc_id}${source.section ? " — " + source.section : ""}` +
    (source.line_start ? ` (r. ${source.line_start}-${source.line_end})` : "");
  if (!source.chunk_id) {
    wrap.textContent = `Bron: ${where}`;
    return wrap;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "source";
  button.setAttribute("aria-expanded", "false");
  button.textContent = `Bron: ${where}`;
  button.addEventListener("click", () => toggleFactSource(wrap, button, source));
  wrap.append(button);
  return wrap;
}

async function toggleFactSource(wrap, button, source) {
  const open = wrap.querySelector(".context");
  if (open) {
    open.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  try {
    const context = await api(`/v1/sources/${source.chunk_id}`);
    const box = document.createElement("div");
    box.className = "context";
    const strong = document.createElement("strong");
    strong.textContent = source.quote || context.text;
    box.append(`${context.publisher || ""} ${context.date || ""}\n…${(context.before || "").slice(-300)}`,
      strong, `${(context.after || "").slice(0, 300)}…`);
    wrap.append(box);
    button.setAttribute("aria-expanded", "true");
  } catch (error) {
    practiceStatus(error.message, true);
  }
}

function initPractice() {
  $("practice-toggle").onclick = () => setPracticeMode(!state.practice);
  $("practice-new").onclick = startSession;
  $("practice-again").onclick = startSession;
  $("caller-form").onsubmit = askCaller;
  $("answer-form").onsubmit = submitAnswer;
}

function init() {
  initKeyBox(state.key, (key) => {
    state.key = key;
    setStatus("Sleutel opgeslagen.");
  });
  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("askform").requestSubmit();
    }
  });
  $("askform").onsubmit = async (event) => {
    event.preventDefault();
    const question = $("question").value.trim();
    if (state.practice && !state.session) {
      // In practice mode a question only ever goes into the practice conversation.
      setStatus("Start eerst een oefening.");
      return;
    }
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
    endConversation();
    setStatus("Nieuw gesprek.");
    $("question").focus();
  };
  initConfirmation();
  initConversation();
  initPractice();
  loadVersions();
}

init();
