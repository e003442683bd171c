// BelBot coach page: trainees' progress per topic and the scenario review queue. Plain
// JavaScript, no build step, no external resources. Same key storage as the side panel and the
// console; every coach endpoint answers 403 to a key without the coach (or admin) role.
"use strict";

const NO_ACCESS = "Geen toegang: alleen voor coaches.";
const STATUS_LABELS = {
  draft: "concept",
  needs_review: "opnieuw beoordelen",
  approved: "goedgekeurd",
  rejected: "afgewezen",
};
const ORIGINS = { kennisbank: "uit de kennisbank", review: "uit een beoordeeld gesprek", handmatig: "handmatig" };
const SECTIONS = ["voortgang", "scenarios"];

const state = {
  key: localStorage.getItem("belbot-key") || "",
  denied: false,
  labels: {},  // tag id → label
};

class AccessDenied extends Error {}

function headers(json = true) {
  return authHeaders(state.key, json);
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.body !== undefined) });
  if (response.status === 403) {
    denyAccess();
    throw new AccessDenied(NO_ACCESS);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `Fout ${response.status}`);
  return body;
}

// A small element builder: h("td", { className: "x" }, "text", child, ...). Text goes in as
// text nodes, never as HTML.
function tagLabel(id) {
  return state.labels[id] || id || "–";
}

function failure(node, error) {
  if (error instanceof AccessDenied) return;
  node.textContent = error.message;
  node.classList.add("error");
}

function denyAccess() {
  state.denied = true;
  $("access").hidden = false;
  $("status").textContent = "";
  for (const id of SECTIONS) $(id).hidden = true;
}

// ---------------------------------------------------------------- progress

async function loadLabels() {
  try {
    const tags = await api("/v1/tags");
    const select = $("s-tag");
    while (select.options.length > 1) select.remove(1);  // keeps "alle onderwerpen"
    for (const tag of tags.tags || []) {
      state.labels[tag.id] = tag.label;
      select.append(h("option", { value: tag.id }, tag.label));
    }
  } catch (error) {
    if (error instanceof AccessDenied) throw error;
  }
}

async function loadProgress() {
  const info = $("progress-info");
  info.classList.remove("error");
  info.textContent = "Laden…";
  try {
    const progress = await api("/v1/coach/progress");
    renderProgress(progress);
  } catch (error) {
    failure(info, error);
  }
}

function renderProgress(progress) {
  const tags = progress.tags || [];
  for (const tag of tags) state.labels[tag.tag] = tag.tag_label;
  const needed = progress.needed;
  const trainees = progress.trainees || [];
  $("progress-info").textContent = trainees.length
    ? `${trainees.length} medewerker(s). Een onderwerp is afgerond na ${needed} geslaagde oefening(en); ` +
      "een cel toont geslaagd/nodig."
    : "Nog niemand heeft geoefend.";
  const head = $("progress-table").querySelector("thead tr");
  head.textContent = "";
  head.append(h("th", { scope: "col" }, "Medewerker"));
  for (const tag of tags) head.append(h("th", { scope: "col" }, tag.tag_label));
  head.append(h("th", { scope: "col" }, "Afgeronde onderwerpen"));
  const body = $("progress-table").querySelector("tbody");
  body.textContent = "";
  for (const trainee of trainees) {
    const row = h("tr", { className: trainee.all_completed ? "all-done" : "" },
      h("th", { scope: "row" }, trainee.agent_id));
    for (const tag of tags) {
      const topic = trainee.topics?.[tag.tag];
      if (!topic || (!topic.attempts && !topic.passed)) {
        row.append(h("td", { className: "cell none", title: "Nog niet geoefend" }, `0/${needed}`));
        continue;
      }
      const title = `${topic.attempts} poging(en)` +
        (typeof topic.mean_score === "number" ? `, gemiddelde score ${percent(topic.mean_score)}` : "") +
        (topic.completed ? ", afgerond" : "");
      row.append(h("td", { className: `cell${topic.completed ? " done" : ""}`, title },
        `${topic.passed}/${topic.needed ?? needed}`, topic.completed ? " ✓" : ""));
    }
    row.append(h("td", { className: "total" },
      `${trainee.completed_topics} van ${tags.length}`, trainee.all_completed ? " · alles afgerond" : ""));
    body.append(row);
  }
}

// ---------------------------------------------------------------- scenario review

async function loadScenarios(event) {
  event?.preventDefault();
  const status = $("s-status").value;
  const tag = $("s-tag").value;
  const count = $("scenario-count");
  count.classList.remove("error");
  count.textContent = "Laden…";
  const list = $("scenario-list");
  try {
    const result = await api(`/v1/coach/scenarios?status=${encodeURIComponent(status)}`);
    list.textContent = "";
    const scenarios = (result.scenarios || []).filter((s) => !tag || s.tag === tag);
    count.textContent = `${scenarios.length} scenario('s) met status "${STATUS_LABELS[status] || status}"` +
      (tag ? ` over ${tagLabel(tag)}.` : ".");
    for (const scenario of scenarios) list.append(scenarioCard(scenario));
  } catch (error) {
    list.textContent = "";
    failure(count, error);
  }
}

function dots(difficulty) {
  const level = Math.max(1, Math.min(3, Number(difficulty) || 1));
  return h("span", { className: "difficulty", role: "img", "aria-label": `Moeilijkheid ${level} van 3`,
    title: `Moeilijkheid ${level} van 3` }, "●".repeat(level) + "○".repeat(3 - level));
}

function scenarioCard(scenario) {
  const card = h("li", { className: "scenario-card", "data-id": scenario.id });
  card.append(h("div", { className: "card-head" },
    h("span", { className: `badge status-${scenario.status}` }, STATUS_LABELS[scenario.status] || scenario.status),
    h("span", { className: "badge" }, scenario.tag_label || tagLabel(scenario.tag)),
    dots(scenario.difficulty),
    h("span", {}, ORIGINS[scenario.origin] || scenario.origin || ""),
    h("span", { className: "small" }, scenario.id)));
  card.append(h("p", { className: "scenario-question" }, scenario.question));
  if (scenario.reason) {
    card.append(h("p", { className: "reason" }, h("strong", {}, "Reden: "), scenario.reason));
  }
  card.append(h("h3", {}, "Feiten"), h("ul", {}, (scenario.facts || []).map((fact) =>
    h("li", {}, fact.text, (fact.variants || []).length
      ? h("span", { className: "small" }, ` (ook goed: ${fact.variants.join("; ")})`) : ""))));
  card.append(h("h3", {}, "Passages"), h("ul", {}, (scenario.passages || []).map((passage) =>
    h("li", {}, h("p", { className: "quote" }, passage.quote),
      h("span", { className: "small" }, `document ${passage.document || passage.doc_id}`)))));
  const askFirst = scenario.ask_first || [];
  card.append(h("h3", {}, "Eerst uitvragen"), askFirst.length
    ? h("ul", {}, askFirst.map((ask) => h("li", {}, ask.text,
      h("span", { className: "small" }, ` — telt als gevraagd bij: ${(ask.cues || []).join(", ")}`,
        ask.reply ? `; beller antwoordt: "${ask.reply}"` : ""))))
    : h("p", { className: "hint" }, "Niets."));
  card.append(h("h3", {}, "Modelantwoord"), h("p", { className: "model-answer" }, scenario.model_answer));
  if (scenario.reviewed_by) {
    card.append(h("p", { className: "small" }, `Beoordeeld door ${scenario.reviewed_by}` +
      (scenario.reviewed_at ? ` op ${new Date(scenario.reviewed_at).toLocaleString("nl-NL")}` : "") +
      (scenario.note ? ` — ${scenario.note}` : "")));
  }
  const noteId = `note-${scenario.id}`;
  const note = h("input", { id: noteId, type: "text", maxLength: 500, autocomplete: "off" });
  const approve = h("button", { type: "button", className: "primary" }, "Goedkeuren");
  const reject = h("button", { type: "button", className: "reject" }, "Afwijzen");
  const status = h("p", { className: "item-status", role: "status" });
  const review = async (decision) => {
    approve.disabled = true;
    reject.disabled = true;
    status.classList.remove("error");
    status.textContent = "";
    try {
      const updated = await api(`/v1/coach/scenarios/${encodeURIComponent(scenario.id)}/review`, {
        method: "POST",
        body: JSON.stringify({ decision, note: note.value.trim() }),
      });
      const label = STATUS_LABELS[updated.status] || updated.status;
      card.querySelector(".card-head .badge").textContent = label;
      card.querySelector(".card-head .badge").className = `badge status-${updated.status}`;
      status.textContent = decision === "approve" ? `Goedgekeurd (status: ${label}).` : `Afgewezen (status: ${label}).`;
    } catch (error) {
      failure(status, error);
    } finally {
      approve.disabled = false;
      reject.disabled = false;
    }
  };
  approve.onclick = () => review("approve");
  reject.onclick = () => review("reject");
  card.append(h("div", { className: "review-form" },
    h("div", { className: "note" }, h("label", { htmlFor: noteId }, "Notitie (optioneel)"), note),
    approve, reject), status);
  return card;
}

// ---------------------------------------------------------------- start

async function start() {
  state.denied = false;
  $("access").hidden = true;
  if (!state.key) {
    $("keybox").open = true;
    for (const id of SECTIONS) $(id).hidden = true;
    setStatus("Vul uw API-sleutel in.");
    return;
  }
  setStatus("");
  try {
    await loadLabels();
  } catch {
    return;  // denied
  }
  await loadProgress();
  if (state.denied) return;
  for (const id of SECTIONS) $(id).hidden = false;
  await loadScenarios();
}

function init() {
  initKeyBox(state.key, (key) => {
    state.key = key;
    start();
  });
  $("progress-refresh").onclick = loadProgress;
  $("scenario-filter").onsubmit = loadScenarios;
  loadVersions();
  start();
}

init();
