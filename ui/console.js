// BelBot quality console: plain JavaScript, no build step, no external resources.
// Same key storage as the side panel; every monitor endpoint answers 403 to an agent's key.
"use strict";

const state = {
  key: localStorage.getItem("belbot-key") || "",
  denied: false,
  offset: 0,
  total: 0,
  query: null,  // the filter values of the last search
  tags: null,  // GET /v1/tags
  traceId: null,  // the answer whose trace is shown
  batchId: "",
  loaded: new Set(),  // tabs whose data has been fetched once
};
const TABS = ["antwoorden", "trace", "steekproef", "dashboard", "audit"];
const PATHS = { generated: "gegenereerd", extractive: "letterlijk", refused: "geweigerd", blocked: "geblokkeerd" };
const VERDICTS = ["juist", "deels juist", "onjuist", "had moeten weigeren"];
const ERROR_CATEGORIES = ["bron niet gevonden", "verkeerd feit", "verkeerde bron", "onduidelijk",
  "verouderde bron", "anders"];

class AccessDenied extends Error {}

// ---------------------------------------------------------------- helpers

function headers(json = true) {
  return authHeaders(state.key, json);
}

async function request(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.body !== undefined) });
  if (response.status === 403) {
    denyAccess();
    throw new AccessDenied("Geen toegang: alleen voor kwaliteitsmonitors.");
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `Fout ${response.status}`);
  }
  return response;
}

async function api(path, options = {}) {
  return (await request(path, options)).json();
}

function post(path, body) {
  return api(path, { method: "POST", body: JSON.stringify(body ?? {}) });
}

// A small element builder: h("td", { className: "x" }, "text", child, ...).
function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString("nl-NL", { dateStyle: "short", timeStyle: "short" });
}

function num(value, digits = 2) {
  return typeof value === "number" ? value.toFixed(digits).replace(".", ",") : "–";
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function isoWeek(date = new Date()) {
  const d = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

// Any object's fields as one readable line: "rating: down · reason: onjuist".
function fields(item) {
  if (item === null || typeof item !== "object") return String(item);
  return Object.entries(item)
    .filter(([, v]) => v !== null && v !== "" && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`)
    .join(" · ");
}

function table(head, rows, className = "data") {
  return h("table", { className },
    h("thead", {}, h("tr", {}, head.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows));
}

function download(text, name, type = "application/x-ndjson") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function failure(node, error) {
  if (error instanceof AccessDenied) return;
  node.textContent = error.message;
  node.classList?.add("error");
}

// ---------------------------------------------------------------- access and tabs

function denyAccess() {
  state.denied = true;
  $("access").hidden = false;
  $("tabs").hidden = true;
  $("status").textContent = "";
  for (const tab of TABS) $(tab).hidden = true;
}

function allowAccess() {
  state.denied = false;
  $("access").hidden = true;
  $("tabs").hidden = false;
}

function currentTab() {
  const name = location.hash.replace("#", "");
  return TABS.includes(name) ? name : "antwoorden";
}

function showTab() {
  if (state.denied || !state.key) return;
  const name = currentTab();
  for (const tab of TABS) $(tab).hidden = tab !== name;
  for (const link of $("tabs").querySelectorAll("a")) {
    if (link.dataset.tab === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!state.loaded.has(name)) {
    state.loaded.add(name);
    if (name === "antwoorden") search(0);
    if (name === "dashboard") loadDashboard();
    if (name === "audit") loadAudit();
    if (name === "steekproef") loadQueue();
  }
}

function go(tab) {
  if (location.hash === `#${tab}`) showTab();
  else location.hash = tab;
}

async function loadTags() {
  if (state.tags) return state.tags;
  try {
    state.tags = await api("/v1/tags");
  } catch (error) {
    if (error instanceof AccessDenied) throw error;
    state.tags = { version: "", tags: [] };
  }
  const select = $("f-tag");
  for (const tag of state.tags.tags) select.append(h("option", { value: tag.id }, tag.label));
  return state.tags;
}

function tagLabel(id) {
  return state.tags?.tags.find((t) => t.id === id)?.label || id || "–";
}

// ---------------------------------------------------------------- Antwoorden

function filterQuery() {
  const params = new URLSearchParams();
  for (const element of $("filters").elements) {
    if (element.name && element.value.trim() !== "") params.set(element.name, element.value.trim());
  }
  return params;
}

async function search(offset) {
  const params = new URLSearchParams(state.query || filterQuery());
  params.set("offset", String(offset));
  const count = $("answers-count");
  count.classList.remove("error");
  count.textContent = "Zoeken…";
  try {
    const [result] = await Promise.all([api(`/v1/monitor/answers?${params}`), loadTags()]);
    state.offset = offset;
    state.total = result.total;
    renderAnswers(result.items);
    const limit = Number(params.get("limit") || 50);
    const last = Math.min(offset + result.items.length, result.total);
    count.textContent = result.total
      ? `${result.total} antwoord(en) gevonden.`
      : "Geen antwoorden gevonden met deze filters.";
    $("page-info").textContent = result.total ? `${offset + 1}–${last} van ${result.total}` : "";
    $("prev-page").disabled = offset === 0;
    $("next-page").disabled = offset + limit >= result.total;
  } catch (error) {
    failure(count, error);
  }
}

function renderAnswers(items) {
  const body = $("answers-table").querySelector("tbody");
  body.textContent = "";
  for (const item of items) {
    const open = h("button", { type: "button", className: "linklike", title: "Open de trace" },
      item.question);
    open.onclick = (event) => {
      event.stopPropagation();
      openTrace(item.answer_id);
    };
    const row = h("tr", { className: item.thumbs_down ? "down" : "" },
      h("td", { className: "nowrap" }, when(item.created_at)),
      h("td", {}, item.agent_id),
      h("td", { className: "question" }, open),
      h("td", {}, PATHS[item.path_class] || item.path_class),
      h("td", {}, item.tag_label || tagLabel(item.tag),
        item.tag_corrected ? h("span", { className: "badge", title: "Gecorrigeerd door een monitor" }, "gecorr.") : ""),
      h("td", { className: "nowrap" }, h("span", { "aria-hidden": "true" }, `▲${item.thumbs_up} ▼${item.thumbs_down}`),
        h("span", { className: "sr-only" }, `${item.thumbs_up} omhoog, ${item.thumbs_down} omlaag`)),
      h("td", {}, (item.reasons || []).join(", ")),
      h("td", {}, item.escalated ? "ja" : ""),
      h("td", { className: "num" }, num(item.support_min)),
      h("td", { className: "num nowrap" }, item.total_ms != null ? `${Math.round(item.total_ms)} ms` : ""),
      h("td", {}, item.reviewed ? "ja" : ""));
    row.dataset.answerId = item.answer_id;
    row.onclick = () => openTrace(item.answer_id);
    body.append(row);
  }
}

// ---------------------------------------------------------------- Trace

function block(title, ...content) {
  const id = `t-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return h("section", { className: "block", "aria-labelledby": id }, h("h3", { id }, title), ...content);
}

function definitions(pairs) {
  return h("dl", { className: "pairs" },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== "")
      .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

async function openTrace(answerId) {
  state.traceId = answerId;
  go("trace");
  $("trace-empty").hidden = true;
  const body = $("trace-body");
  body.textContent = "";
  body.append(h("p", { className: "hint" }, "Trace laden…"));
  try {
    const [trace] = await Promise.all([api(`/v1/monitor/answers/${answerId}/trace`), loadTags()]);
    if (state.traceId !== answerId) return;
    renderTrace(trace);
  } catch (error) {
    body.textContent = "";
    failure(body.appendChild(h("p", {})), error);
  }
}

function renderTrace(trace) {
  const a = trace.answer;
  const body = $("trace-body");
  body.textContent = "";
  const header = h("div", { className: "trace-head" },
    h("p", {}, h("strong", {}, `Antwoord ${a.answer_id}`),
      ` · gesprek ${a.conversation_id}, beurt ${a.turn} · ${when(a.created_at)}`,
      a.agent_id ? ` · ${a.agent_id}` : ""),
    replayControls(a.answer_id));
  body.append(header);

  const question = block("Vraag (geredigeerd)",
    h("p", { className: "quote" }, a.question),
    a.resolved_query && a.resolved_query !== a.question
      ? h("p", {}, h("strong", {}, "Zoekvraag na vervolgvraag: "), a.resolved_query) : "",
    (a.redactions || []).length
      ? h("p", {}, "Verwijderde persoonsgegevens: ",
        a.redactions.map((r) => `${r.kind} → ${r.placeholder}`).join(", "))
      : h("p", { className: "hint" }, "Geen persoonsgegevens verwijderd."),
    (trace.history || []).length
      ? h("div", {}, h("h4", {}, "Eerder in het gesprek"), h("ol", {}, trace.history.map((q) => h("li", {}, q))))
      : "");

  const guardrails = block("Invoer- en uitvoercontroles",
    (a.guardrails || []).length
      ? table(["Controle", "Uitkomst", "Toelichting", "Tellingen"], a.guardrails.map((g) =>
        h("tr", {}, h("td", {}, g.check), h("td", {}, g.outcome), h("td", {}, g.detail || ""),
          h("td", {}, fields(g.counts || {})))))
      : h("p", { className: "hint" }, "Geen controles vastgelegd."));

  const cited = new Map((a.citations || []).map((c) => [c.chunk_id, c]));
  const retrieval = block("Opgehaalde passages",
    table(["Rang", "Passage", "Score", "Deelscores", ""], (a.retrieval || []).map((r) => {
      const citation = cited.get(r.chunk_id);
      const cell = h("td", {}, h("code", {}, r.chunk_id),
        citation ? h("span", {}, ` — ${citation.title}${citation.section ? ", " + citation.section : ""} `,
          h("span", { className: "badge" }, `geciteerd [${citation.marker}]`))
          : h("span", { id: `title-${r.chunk_id}` }));
      const show = h("button", { type: "button", className: "small", "aria-expanded": "false" }, "Toon tekst");
      show.onclick = () => togglePassage(show, cell, r.chunk_id);
      return h("tr", {}, h("td", { className: "num" }, r.rank), cell, h("td", { className: "num" }, num(r.score, 4)),
        h("td", { className: "small-text" }, Object.entries(r.scores || {}).map(([k, v]) => `${k} ${num(v, 3)}`).join(" · ")),
        h("td", {}, show));
    })));

  const prompt = block("Prompt zoals verstuurd",
    trace.prompt ? h("pre", { className: "code", id: "trace-prompt", tabindex: "0" }, trace.prompt)
      : h("p", { className: "hint" }, "Geen prompt: het taalmodel is niet aangeroepen."));
  const raw = block("Ruwe modeluitvoer",
    trace.raw_output ? h("pre", { className: "code", id: "trace-raw", tabindex: "0" }, trace.raw_output)
      : h("p", { className: "hint" }, "Geen modeluitvoer."));

  const verdicts = block("Verificatie",
    (a.verdicts || []).length
      ? table(["Controle", "Resultaat", "Score", "Toelichting"], a.verdicts.map((v) =>
        h("tr", { className: v.passed ? "" : "failed" }, h("td", {}, v.check),
          h("td", {}, v.passed ? "✓ geslaagd" : "✗ mislukt"), h("td", { className: "num" }, num(v.score, 3)),
          h("td", {}, v.detail || ""))), "data verdicts")
      : h("p", { className: "hint" }, "Geen verificatie uitgevoerd."));

  const answer = block("Antwoord",
    h("p", {}, h("strong", {}, PATHS[a.path_class] || a.path), a.path_reason ? ` — ${a.path_reason}` : "",
      a.cached ? ` · hergebruikt van ${a.cached_from || "eerder antwoord"}` : ""),
    h("p", { className: "quote answer-text" }, a.text),
    (a.citations || []).length
      ? h("ol", { className: "citations" }, a.citations.map((c) => h("li", { value: c.marker },
        h("strong", {}, `${c.title}${c.section ? " — " + c.section : ""}`),
        ` (${c.file_name || ""}${c.line_start ? `, r. ${c.line_start}-${c.line_end}` : ""})`,
        h("blockquote", {}, c.text))))
      : h("p", { className: "hint" }, "Geen bronnen."));

  const timings = a.timings || {};
  const times = block("Tijden en versies",
    table(["Stap", "ms"], Object.entries(timings).map(([k, v]) =>
      h("tr", {}, h("td", {}, k), h("td", { className: "num" }, num(v, 1)))), "data compact"),
    definitions([
      ["Model", a.model ? `${a.model.model_id} (${a.model.backend}) sha256 ${String(a.model.sha256 || "").slice(0, 12)}…` : ""],
      ["Kennisbank", a.index_version], ["Prompt", a.prompt_version], ["Beleid", a.policy_version],
      ["Taxonomie", a.tag?.taxonomy_version], ["Parameters", a.params ? JSON.stringify(a.params) : ""],
    ]));

  body.append(question, guardrails, retrieval, prompt, raw, verdicts, answer, times, tagBlock(trace),
    recordsBlock("Feedback", trace.feedback, (f) => [
      h("strong", {}, f.rating === "down" ? "▼ niet goed" : f.rating === "up" ? "▲ goed" : f.rating),
      f.reason ? ` — ${f.reason}` : "", f.comment ? `: “${f.comment}”` : "", by(f.agent_id, f.created_at)]),
    recordsBlock("Escalaties", trace.escalations, (e) => [
      h("strong", {}, `naar ${e.target}`), ` — ${e.reason}`, e.note ? `: “${e.note}”` : "",
      e.tag ? ` · onderwerp ${tagLabel(e.tag)}` : "", by(e.agent_id, e.created_at)]),
    recordsBlock("Beoordelingen", trace.reviews, (r) => [
      h("strong", {}, r.verdict), r.error_category ? ` (${r.error_category})` : "",
      r.chunk_id ? ` · juiste passage ${r.chunk_id}` : "", r.corrected_answer ? ` · verbeterd: “${r.corrected_answer}”` : "",
      r.note ? ` · ${r.note}` : "", by(r.reviewer_id, r.created_at)]));
  fillPassageTitles(a.retrieval || [], cited);
}

async function togglePassage(button, cell, chunkId) {
  const open = cell.querySelector(".passage");
  if (open) {
    open.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  try {
    const source = await api(`/v1/sources/${chunkId}`);
    cell.append(h("div", { className: "passage" },
      h("p", { className: "hint" }, `${source.title}${source.section ? " — " + source.section : ""} (r. ${source.line_start}-${source.line_end})`),
      h("p", {}, source.text)));
    button.setAttribute("aria-expanded", "true");
  } catch (error) {
    failure(cell.appendChild(h("p", { className: "passage" })), error);
  }
}

function by(who, iso) {
  return h("span", { className: "hint" }, ` (${[who, when(iso)].filter(Boolean).join(", ")})`);
}

function recordsBlock(title, items, render = (item) => fields(item)) {
  return block(title, (items || []).length
    ? h("ul", { className: "records" }, items.map((item) => h("li", {}, render(item))))
    : h("p", { className: "hint" }, "Geen."));
}

// Titles of the retrieved passages that were not cited (the cited ones carry theirs).
async function fillPassageTitles(retrieval, cited) {
  for (const r of retrieval) {
    if (cited.has(r.chunk_id)) continue;
    const slot = document.getElementById(`title-${r.chunk_id}`);
    if (!slot) continue;
    try {
      const source = await api(`/v1/sources/${r.chunk_id}`);
      slot.textContent = ` — ${source.title}${source.section ? ", " + source.section : ""}`;
    } catch {
      // the passage left the current knowledge base: the ID says enough
    }
  }
}

function replayControls(answerId) {
  const button = h("button", { type: "button", id: "replay", className: "primary" }, "Replay");
  const result = h("div", { id: "replay-result", "aria-live": "polite" });
  button.onclick = async () => {
    button.disabled = true;
    result.className = "";
    result.textContent = "Opnieuw uitvoeren met hetzelfde model, dezelfde kennisbank en prompt…";
    try {
      const replay = await post(`/v1/monitor/answers/${answerId}/replay`);
      result.textContent = "";
      const failed = Object.entries(replay.checks || {}).filter(([, ok]) => !ok).map(([name]) => name);
      result.className = replay.identical ? "ok" : "warning";
      result.append(h("p", { className: "replay-verdict" }, h("strong", {}, replay.identical ? "Identiek" : "Afwijkend")));
      if (failed.length) {
        result.append(h("p", {}, "Mislukte controles:"), h("ul", {}, failed.map((n) => h("li", {}, n))));
      }
      if (!replay.identical) {
        result.append(h("div", { className: "compare" },
          h("div", {}, h("h4", {}, "Origineel"), h("p", { className: "quote" }, replay.original_text)),
          h("div", {}, h("h4", {}, "Opnieuw"), h("p", { className: "quote" }, replay.replayed_text))));
      }
    } catch (error) {
      failure(result, error);
    } finally {
      button.disabled = false;
    }
  };
  return h("div", { className: "replay" }, button, result);
}

function tagBlock(trace) {
  const a = trace.answer;
  const select = h("select", { id: "tag-select" },
    (state.tags?.tags || []).map((t) => h("option", { value: t.id }, t.label)));
  // The answer record keeps the tagger's verdict; `current_tag` is it after any correction.
  const now = trace.current_tag ?? a.tag?.tag ?? null;
  if (now) select.value = now;
  const button = h("button", { type: "submit" }, "Onderwerp corrigeren");
  const status = h("p", { id: "tag-status", role: "status" });
  const tagger = a.tag
    ? `${a.tag.label} (zekerheid ${Math.round(a.tag.confidence * 100)}%, methode ${a.tag.method})`
    : "geen";
  const current = h("p", { id: "tag-current" }, now && now !== a.tag?.tag
    ? `${tagLabel(now)} — gecorrigeerd; automatisch bepaald: ${tagger}`
    : a.tag ? tagger : "Geen onderwerp bepaald.");
  const form = h("form", { className: "inline-form" },
    h("label", { for: "tag-select" }, "Juist onderwerp"), select, button);
  form.onsubmit = async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const result = await post(`/v1/monitor/answers/${a.answer_id}/tag`, { tag: select.value });
      current.textContent = `${result.label} (gecorrigeerd door ${result.corrected_by})`;
      status.className = "ok-text";
      status.textContent = `Onderwerp gecorrigeerd naar ${result.label}.`;
    } catch (error) {
      failure(status, error);
    } finally {
      button.disabled = false;
    }
  };
  const corrections = (trace.tag_corrections || []).length
    ? h("ul", { className: "records" }, trace.tag_corrections.map((c) => h("li", {},
      `${tagLabel(c.old_tag)} → ${tagLabel(c.new_tag)}`, by(c.monitor_id, c.created_at)))) : "";
  return block("Onderwerp", current, form, status, corrections);
}

// ---------------------------------------------------------------- Steekproef

async function drawSample(event) {
  event.preventDefault();
  const body = { since: $("s-since").value, until: $("s-until").value, n: Number($("s-n").value) };
  if ($("s-seed").value !== "") body.seed = Number($("s-seed").value);
  const info = $("sample-info");
  info.classList.remove("error");
  info.textContent = "Steekproef trekken…";
  try {
    const result = await post("/v1/monitor/review/sample", body);
    state.batchId = result.batch_id;
    $("q-batch").value = result.batch_id;
    $("q-open").value = "true";
    const strata = Object.entries(result.strata || {}).map(([k, v]) => `${k}: ${v}`).join(", ");
    info.textContent = `Batch ${result.batch_id}: ${result.items.length} item(s)${strata ? ` (${strata})` : ""}.`;
    renderQueue(result.items);
    loadAgreement();
  } catch (error) {
    failure(info, error);
  }
}

async function loadQueue(event) {
  event?.preventDefault();
  state.batchId = $("q-batch").value.trim();
  const params = new URLSearchParams();
  if (state.batchId) params.set("batch_id", state.batchId);
  if ($("q-open").value) params.set("open", $("q-open").value);
  try {
    const result = await api(`/v1/monitor/review/items?${params}`);
    renderQueue(result.items);
    loadAgreement();
  } catch (error) {
    failure($("sample-info"), error);
  }
}

function renderQueue(items) {
  const queue = $("queue");
  queue.textContent = "";
  if (!items.length) queue.append(h("li", { className: "hint" }, "Geen items."));
  for (const item of items) queue.append(reviewItem(item));
}

function reviewsList(reviews) {
  return h("ul", { className: "records" }, reviews.map((r) => h("li", {},
    h("strong", {}, r.verdict), r.error_category ? ` (${r.error_category})` : "",
    ` — ${r.reviewer_id}, ${when(r.created_at)}`, r.chunk_id ? ` · passage ${r.chunk_id}` : "",
    r.note ? ` · ${r.note}` : "")));
}

function reviewItem(item) {
  const n = item.item_id;
  const id = (name) => `r-${name}-${n}`;
  const reviews = item.reviews || [];
  const include = h("input", { type: "checkbox", id: id("include"), className: "include", disabled: !reviews.length });
  include.dataset.itemId = n;
  const reviewsNode = h("div", { className: "reviews" }, reviews.length ? reviewsList(reviews) : "");

  const verdict = h("select", { id: id("verdict"), required: true },
    h("option", { value: "" }, "— kies —"), VERDICTS.map((v) => h("option", { value: v }, v)));
  const category = h("select", { id: id("category"), "aria-describedby": id("category-hint") },
    h("option", { value: "" }, "— geen —"), ERROR_CATEGORIES.map((c) => h("option", { value: c }, c)));
  const corrected = h("textarea", { id: id("corrected"), rows: 3, maxLength: 4000,
    "aria-describedby": id("corrected-hint") });
  const passage = h("select", { id: id("passage"), "aria-describedby": id("passage-preview") },
    h("option", { value: "" }, "— geen —"));
  const preview = h("p", { id: id("passage-preview"), className: "passage-preview" });
  const note = h("textarea", { id: id("note"), rows: 2, maxLength: 1000 });
  const status = h("p", { className: "item-status", role: "status" });
  const submit = h("button", { type: "submit", className: "primary" }, "Oordeel vastleggen");
  const form = h("form", { className: "verdict-form" },
    h("div", { className: "grid" },
      h("div", {}, h("label", { for: id("verdict") }, "Oordeel"), verdict),
      h("div", {}, h("label", { for: id("category") }, "Foutcategorie"), category,
        h("p", { className: "hint", id: id("category-hint") }, "Verplicht als het oordeel niet \"juist\" is.")),
      h("div", { className: "wide" }, h("label", { for: id("passage") }, "Juiste passage"), passage, preview),
      h("div", { className: "wide" }, h("label", { for: id("corrected") }, "Verbeterd antwoord (optioneel)"), corrected,
        h("p", { className: "hint", id: id("corrected-hint") },
          "Voor de testset nodig, met de juiste passage, behalve bij \"juist\" en \"had moeten weigeren\".")),
      h("div", { className: "wide" }, h("label", { for: id("note") }, "Notitie (optioneel)"), note)),
    submit, status);
  const passages = new Map();
  passage.onchange = () => {
    preview.textContent = passages.get(passage.value) || "";
  };
  verdict.onchange = () => {
    category.required = verdict.value !== "" && verdict.value !== "juist";
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    status.classList.remove("error");
    if (verdict.value !== "juist" && !category.value) {
      status.classList.add("error");
      status.textContent = "Kies een foutcategorie: het oordeel is niet \"juist\".";
      category.focus();
      return;
    }
    const body = { verdict: verdict.value };
    if (category.value) body.error_category = category.value;
    if (corrected.value.trim()) body.corrected_answer = corrected.value.trim();
    if (passage.value) body.chunk_id = passage.value;
    if (note.value.trim()) body.note = note.value.trim();
    submit.disabled = true;
    try {
      const review = await post(`/v1/monitor/review/items/${n}/verdict`, body);
      reviews.push(review);
      reviewsNode.textContent = "";
      reviewsNode.append(reviewsList(reviews));
      include.disabled = false;
      include.checked = true;
      status.textContent = `Oordeel "${review.verdict || body.verdict}" vastgelegd.`;
      details.open = false;
      loadAgreement();
    } catch (error) {
      failure(status, error);
    } finally {
      submit.disabled = false;
    }
  };
  const details = h("details", { className: "review" }, h("summary", {}, "Beoordelen"), form);
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    passage.setAttribute("aria-busy", "true");
    try {
      await loadPassages(item.answer_id, passage, passages);
    } catch (error) {
      loaded = false;
      failure(preview, error);
    } finally {
      passage.removeAttribute("aria-busy");
    }
  });

  return h("li", { className: "review-item", id: `item-${n}` },
    h("div", { className: "item-head" },
      h("span", { className: "badge" }, item.stratum),
      h("span", {}, `${PATHS[item.path_class] || item.path_class} · ${tagLabel(item.tag)} · antwoord ${item.answer_id}`),
      h("label", { className: "include-label", for: id("include") }, include, " Opnemen in testset")),
    h("p", { className: "question" }, h("strong", {}, "Vraag: "), item.question),
    h("p", { className: "quote" }, item.text),
    reviewsNode, details);
}

// The right passage is chosen among what retrieval found for this answer.
async function loadPassages(answerId, select, texts) {
  const answer = await api(`/v1/answers/${answerId}`);
  const cited = new Map((answer.citations || []).map((c) => [c.chunk_id, c.marker]));
  const sources = await Promise.all((answer.retrieval || []).map((r) =>
    api(`/v1/sources/${r.chunk_id}`).catch(() => null)));
  (answer.retrieval || []).forEach((r, i) => {
    const source = sources[i];
    const title = source ? `${source.title}${source.section ? " — " + source.section : ""}` : r.chunk_id;
    const mark = cited.has(r.chunk_id) ? ` · geciteerd [${cited.get(r.chunk_id)}]` : "";
    select.append(h("option", { value: r.chunk_id }, `#${r.rank} ${title} (score ${num(r.score, 3)})${mark}`));
    texts.set(r.chunk_id, source ? source.text : "");
  });
}

async function loadAgreement() {
  const node = $("agreement");
  const params = state.batchId ? `?batch_id=${encodeURIComponent(state.batchId)}` : "";
  try {
    const a = await api(`/v1/monitor/review/agreement${params}`);
    node.textContent = "";
    node.classList.remove("error");
    node.append(definitions([
      ["Items met twee beoordelingen", String(a.items_with_two_reviews)],
      ["Cohen's kappa", a.kappa === null || a.kappa === undefined ? "n.v.t. (te weinig dubbele beoordelingen)" : num(a.kappa, 2)],
      ["Waargenomen overeenstemming", typeof a.observed_agreement === "number" ? `${Math.round(a.observed_agreement * 100)}%` : "–"],
    ]));
    const t = a.table;
    if (t && typeof t === "object" && !Array.isArray(t) && Object.keys(t).length) {
      const columns = [...new Set(Object.values(t).flatMap((row) => (row && typeof row === "object" ? Object.keys(row) : [])))];
      if (columns.length) {
        node.append(table(["", ...columns], Object.entries(t).map(([k, row]) =>
          h("tr", {}, h("th", { scope: "row" }, k), columns.map((c) => h("td", { className: "num" }, row[c] ?? 0))))));
      }
    } else if (Array.isArray(t) && t.length) {
      node.append(h("pre", { className: "code" }, JSON.stringify(t)));
    }
  } catch (error) {
    failure(node, error);
  }
}

async function exportTestset() {
  const ids = [...$("queue").querySelectorAll("input.include:checked")].map((box) => box.dataset.itemId);
  const status = $("export-status");
  status.classList.remove("error");
  if (!ids.length) {
    status.textContent = "Vink eerst beoordeelde items aan.";
    return;
  }
  try {
    const result = await post("/v1/monitor/review/export", { item_ids: ids });
    const name = `testset-review-${today()}.jsonl`;
    const text = result.jsonl.endsWith("\n") || !result.jsonl ? result.jsonl : `${result.jsonl}\n`;
    download(text, name);
    status.textContent = `${result.lines.length} testgeval(len) gedownload als ${name}.`;
  } catch (error) {
    failure(status, error);
  }
}

// ---------------------------------------------------------------- Dashboard and audit

async function loadDashboard(event) {
  event?.preventDefault();
  const period = $("d-period").value.trim();
  const node = $("dashboard-body");
  node.classList.remove("error");
  node.textContent = "Dashboard laden…";
  try {
    const [html, kpi] = await Promise.all([
      request(`/v1/monitor/dashboard?period=${encodeURIComponent(period)}`).then((r) => r.text()),
      api(`/v1/monitor/kpi?period=${encodeURIComponent(period)}`).catch((error) => {
        if (error instanceof AccessDenied) throw error;
        return null;
      }),
    ]);
    node.innerHTML = html;  // rendered by our own server, as-is
    $("kpi-box").hidden = kpi === null;
    $("kpi").textContent = kpi === null ? "" : JSON.stringify(kpi, null, 2);
  } catch (error) {
    node.textContent = "";
    failure(node, error);
  }
}

async function loadAudit() {
  const body = $("audit-table").querySelector("tbody");
  try {
    const result = await api("/v1/monitor/audit?limit=100");
    body.textContent = "";
    for (const e of result.items) {
      body.append(h("tr", {}, h("td", { className: "nowrap" }, when(e.created_at)), h("td", {}, e.actor_id),
        h("td", {}, e.role), h("td", {}, e.action), h("td", {}, e.target_kind), h("td", {}, h("code", {}, e.target_id ?? ""))));
    }
    if (!result.items.length) body.append(h("tr", {}, h("td", { colSpan: 6 }, "Nog geen handelingen.")));
  } catch (error) {
    body.textContent = "";
    const cell = h("td", { colSpan: 6 });
    body.append(h("tr", {}, cell));
    failure(cell, error);
  }
}

// ---------------------------------------------------------------- start

function start() {
  allowAccess();
  state.loaded.clear();
  state.tags = null;
  $("f-tag").querySelectorAll("option:not([value=''])").forEach((o) => o.remove());
  if (!state.key) {
    $("keybox").open = true;
    for (const tab of TABS) $(tab).hidden = true;
    setStatus("Vul uw API-sleutel in.");
    return;
  }
  setStatus("");
  showTab();
}

function init() {
  initKeyBox(state.key, (key) => {
    state.key = key;
    start();
  });
  window.addEventListener("hashchange", showTab);
  $("filters").onsubmit = (event) => {
    event.preventDefault();
    state.query = filterQuery();
    search(0);
  };
  $("filters").addEventListener("reset", () => setTimeout(() => {
    state.query = filterQuery();
    search(0);
  }));
  const limit = () => Number((state.query || filterQuery()).get("limit") || 50);
  $("prev-page").onclick = () => search(Math.max(0, state.offset - limit()));
  $("next-page").onclick = () => search(state.offset + limit());
  $("sample-form").onsubmit = drawSample;
  $("queue-form").onsubmit = loadQueue;
  $("export").onclick = exportTestset;
  $("dash-form").onsubmit = loadDashboard;
  $("audit-refresh").onclick = loadAudit;
  const first = new Date(Date.now() - 7 * 86400000);
  $("s-since").value = `${first.getFullYear()}-${String(first.getMonth() + 1).padStart(2, "0")}-${String(first.getDate()).padStart(2, "0")}`;
  $("s-until").value = today();
  $("d-period").value = isoWeek();
  loadVersions();
  start();
}

init();
