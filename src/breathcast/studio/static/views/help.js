// Hulp: how to write an exercise, each part with a Dutch example. The words come from the
// studio (the library's own table, which the reference says too), never from this page.

import { $, el } from "../dom.js";
import { api } from "../api.js";
import { view } from "../router.js";

let loaded = false;

async function show() {
  if (loaded) return;
  const { data } = await api("/api/help");
  $("#hulp-lijst").replaceChildren(...data.writing.map((entry) => el("article", { class: "hulp-deel" },
    el("h2", {}, /^[[#]|:/.test(entry.form) ? el("code", { text: entry.form }) : entry.form, ` · ${entry.title}`),
    el("p", { text: entry.text }),
    el("pre", { class: "voorbeeld", "aria-label": `Voorbeeld: ${entry.form}`, text: entry.example }))));
  $("#hulp-bovenaan").replaceChildren(...Object.entries(data.front).flatMap(([key, words]) => [
    el("dt", {}, el("code", { text: `${key}:` })), el("dd", { text: words })]));
  loaded = true;
}

view("hulp", show);
