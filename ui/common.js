// Shared by the side panel (app.js) and the quality console (console.js): loaded first.
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
