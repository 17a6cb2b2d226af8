// Uitspraak: her pronunciation list, each word heard as written and as meant.

import { $, el } from "../dom.js";
import { api, banner, handled } from "../api.js";
import { view } from "../router.js";

const lexicon = { version: "", saved: "" };
const text = $("#uitspraak-tekst");

async function show() {
  const { data } = await api("/api/lexicon");
  lexicon.version = data.version;
  lexicon.saved = data.text;
  text.value = data.text;
  showLexicon(data);
}

function showLexicon(data) {
  $("#uitspraak-opslaan").disabled = text.value === lexicon.saved;
  $("#uitspraak-status").textContent = $("#uitspraak-opslaan").disabled ? "Opgeslagen" : "Nog niet opgeslagen";
  $("#uitspraak-meldingen").replaceChildren(...data.errors.map((e) => el("li", { class: "fout", text: `regel ${e.line}: ${e.nl}` })));
  $("#woorden").replaceChildren(...data.entries.map((entry) => el("tr", {},
    el("td", { text: entry.word }), el("td", { text: entry.say }),
    el("td", {}, el("span", { class: "knoppen" },
      el("button", { type: "button", class: "speel", text: "Zoals geschreven", "aria-label": `Zoals geschreven: ${entry.word}`, onclick: () => sayAloud(entry.word) }),
      el("button", { type: "button", class: "speel", text: "Zoals bedoeld", "aria-label": `Zoals bedoeld: ${entry.say}`, onclick: () => sayAloud(entry.say) }))))));
}

function sayAloud(words) {
  const player = new Audio(`/api/say.wav?text=${encodeURIComponent(words)}`);
  player.play().catch(() => {});
}

text.addEventListener("input", () => {
  $("#uitspraak-opslaan").disabled = text.value === lexicon.saved;
  $("#uitspraak-status").textContent = "Nog niet opgeslagen";
});

$("#uitspraak-opslaan").addEventListener("click", handled(async () => {
  const written = text.value;
  const { status, data } = await api("/api/lexicon", { method: "PUT", body: { text: written, version: lexicon.version } });
  if (status === 409) {
    banner(data.error);
    return;
  }
  lexicon.version = data.version;
  lexicon.saved = written;
  showLexicon(data);
}));

view("uitspraak", show);
