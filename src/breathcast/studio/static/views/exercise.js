// Beside the editor: this exercise's lengths, ratios and group, as tick boxes and a field.
// The studio writes them into the text through the same parser as the build.

import { $, el } from "../dom.js";
import { handled } from "../api.js";
import { setFrontMatter } from "./editor.js";

const form = $("#oefening-form");
const SUGGESTED_MINUTES = [3, 5, 7, 10, 15, 20];
const GROUPS = ["Ademen", "Voor het slapen", "Mini-momenten"];
const chosen = { lengths: [], ratios: [], project: [], shown: "" };

function minutesWords(minutes) {
  const shown = String(minutes).replace(".", ",");
  return `${shown} ${minutes < 2 ? "minuut" : "minuten"}`;
}

// A length as the text writes it (3m, 1m30s, 90s) from minutes.
function lengthText(minutes) {
  const whole = Math.floor(minutes);
  const seconds = Math.round((minutes - whole) * 60);
  if (!whole) return `${seconds}s`;
  return seconds ? `${whole}m${seconds}s` : `${whole}m`;
}

document.addEventListener("script-checked", (event) => {
  const front = event.detail.front;
  form.hidden = !front;
  const now = JSON.stringify(front);
  if (!front || now === chosen.shown) return; // her ticks stay while she types
  chosen.shown = now;
  chosen.lengths = front.lengths.map((n) => ({ text: n.length, words: n.length_words, on: true }));
  for (const minutes of SUGGESTED_MINUTES) {
    if (!chosen.lengths.some((n) => n.text === lengthText(minutes))) {
      chosen.lengths.push({ text: lengthText(minutes), words: minutesWords(minutes), on: false, minutes });
    }
  }
  chosen.project = front.project_ratios;
  const own = front.ratios.length ? front.ratios : front.project_ratios.map((r) => r.ratio);
  chosen.ratios = [...front.project_ratios.map((r) => ({ ...r, on: own.includes(r.ratio) })),
    ...front.ratios.filter((r) => !front.project_ratios.some((p) => p.ratio === r))
      .map((r) => ({ ratio: r, words: r, on: true }))];
  $("#oefening-groep").value = front.group || "";
  $("#oefening-groepen").replaceChildren(...GROUPS.map((g) => el("option", { value: g })));
  showChoices();
  $("#oefening-status").textContent = "";
});

function showChoices() {
  const sorted = [...chosen.lengths].sort((a, b) => seconds(a.text) - seconds(b.text));
  $("#oefening-lengtes").replaceChildren(...sorted.map((n) => tick(n, n.words, `lengte-${n.text}`)));
  $("#oefening-ritmes").replaceChildren(...chosen.ratios.map((r) => tick(r, r.words, `ritme-${r.ratio}`)));
}

function tick(item, words, id) {
  const safe = `oefening-${id.replace(/[^a-z0-9-]/gi, "-")}`;
  return el("label", { class: "vink", for: safe },
    el("input", { type: "checkbox", id: safe, checked: item.on ? "" : null,
      onchange: (event) => { item.on = event.target.checked; } }), words);
}

function seconds(text) {
  const match = /^(?:(\d+(?:[.,]\d+)?)m)?(?:(\d+(?:[.,]\d+)?)s)?$/.exec(text) || [];
  return parseFloat((match[1] || "0").replace(",", ".")) * 60 + parseFloat((match[2] || "0").replace(",", "."));
}

$("#oefening-lengte-erbij").addEventListener("click", () => {
  const minutes = parseFloat($("#oefening-lengte-nieuw").value.replace(",", "."));
  if (!(minutes > 0)) return;
  const text = lengthText(minutes);
  const found = chosen.lengths.find((n) => n.text === text);
  if (found) found.on = true;
  else chosen.lengths.push({ text, words: minutesWords(minutes), on: true });
  $("#oefening-lengte-nieuw").value = "";
  showChoices();
});

form.addEventListener("submit", handled(async (event) => {
  event.preventDefault();
  const status = $("#oefening-status");
  const lengths = chosen.lengths.filter((n) => n.on).sort((a, b) => seconds(a.text) - seconds(b.text));
  const ratios = chosen.ratios.filter((r) => r.on).map((r) => r.ratio);
  const all = chosen.project.map((r) => r.ratio);
  if (!ratios.length) {
    status.textContent = "Kies minstens één ademritme.";
    return;
  }
  const sameAsProject = ratios.length === all.length && ratios.every((r) => all.includes(r));
  const group = $("#oefening-groep").value.trim();
  status.textContent = "Bezig met bewaren…";
  try {
    const saved = await setFrontMatter({
      lengths: lengths.length ? lengths.map((n) => n.text).join(", ") : null,
      ratios: sameAsProject ? null : ratios.join(", "),
      group: group || null,
    });
    status.textContent = saved ? "Bewaard in je oefening." : "";
  } catch (error) {
    status.textContent = error.message;
  }
}));
