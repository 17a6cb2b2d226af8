// Talking to the studio: JSON with this run's token on every write, and one banner for
// whatever goes wrong, so no failure passes silently.

import { $ } from "./dom.js";

const { token: TOKEN, header: TOKEN_HEADER } = document.body.dataset;
export const WORDS = JSON.parse(document.body.dataset.vocabulary);
const RESTARTED = "De studio is opnieuw gestart. Laad de pagina opnieuw om verder te gaan; je tekst staat nog in dit venster.";
const STOPPED = "De studio is gestopt. Start hem opnieuw met breathcast studio; je tekst staat nog in dit venster.";
let stopped = false;

export function banner(message) {
  const box = $("#melding");
  box.textContent = message;
  box.hidden = !message;
}

export function report(error) {
  if (!stopped) banner(error.message || String(error));
}

// An async handler whose failure is shown in the banner, never lost.
export function handled(work) {
  return async (...args) => {
    try {
      return await work(...args);
    } catch (error) {
      report(error);
      return undefined;
    }
  };
}

// `body` goes as JSON; `upload` (a recording) goes as it is, with its own type.
export async function api(path, { method = "GET", body, upload } = {}) {
  const options = { method, headers: {} };
  if (method !== "GET") options.headers[TOKEN_HEADER] = TOKEN;
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (upload !== undefined) {
    options.headers["Content-Type"] = upload.type || "application/octet-stream";
    options.body = upload;
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    gone();
    throw error;
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 409 && data.reason === "stale page") banner(data.error);
  if (!response.ok && response.status !== 409) {
    const error = new Error(data.error || "Er ging iets mis in de studio. Probeer het nog eens; lukt het dan niet, sluit de studio en start hem opnieuw.");
    error.data = data;
    throw error;
  }
  return { status: response.status, data };
}

function gone() {
  stopped = true;
  banner(STOPPED);
}

// This page's studio: still there, and still the same run?
export async function heartbeat() {
  try {
    const response = await fetch("/api/ping");
    checkInstance((await response.json()).instance);
  } catch (error) {
    gone();
  }
}

export function checkInstance(instance) {
  if (instance !== TOKEN) {
    banner(RESTARTED);
  } else if (stopped) {
    stopped = false;
    banner("");
  }
}

setInterval(heartbeat, 8000);
window.addEventListener("focus", heartbeat);
