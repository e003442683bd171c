// Shared by the side panel (app.js), the quality console (console.js) and the coach page
// (coach.js): loaded first.
"use strict";

const $ = (id) => document.getElementById(id);

// The API key is sent as a bearer token; JSON bodies say so.
function authHeaders(key, json = true) {
  const h = { Authorization: `Bearer ${key}` };
  if (json) h["Content-Type"] = "application/json";
  return h;
}

function setStatus(text) {
  $("status").textContent = text;
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

// An element with properties (or attributes) and children; text goes in as text, never HTML.
function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name in node && !name.startsWith("aria") && !name.startsWith("data")) node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// A share (0-1) or a percentage as "42%"; "–" when there is none.
function percent(value) {
  if (typeof value !== "number") return "–";
  return `${Math.round(value <= 1 ? value * 100 : value)}%`;
}

// The API-key box: filled from this browser's storage, saved on click or Enter; `saved(key)`
// runs after a save.
function initKeyBox(key, saved) {
  $("apikey").value = key;
  $("keybox").open = !key;
  $("savekey").onclick = () => {
    const value = $("apikey").value.trim();
    localStorage.setItem("belbot-key", value);
    $("keybox").open = false;
    saved(value);
  };
  $("apikey").addEventListener("keydown", (event) => {
    if (event.key === "Enter") $("savekey").click();
  });
}
