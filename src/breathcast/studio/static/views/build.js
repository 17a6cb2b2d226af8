// Building: start it, follow its progress live, stop it, and say what it made. When it ends,
// a `build-finished` event tells the other views.

import { $, el } from "../dom.js";
import { api, handled, WORDS } from "../api.js";
import { clock, count, wordFor } from "../format.js";

const progress = { done: 0, total: 0 };

export const startBuild = handled(async (names) => {
  await api("/api/build", { method: "POST", body: { scripts: names } });
});

$("#alles-bouwen").addEventListener("click", () => startBuild([]));
$("#stoppen").addEventListener("click", handled(() => api("/api/build/cancel", { method: "POST", body: {} })));
$("#sluiten").addEventListener("click", () => { $("#bouwen").hidden = true; });

// While a build runs she can stop it; once it has ended she can close the panel.
function finished(ended) {
  $("#stoppen").hidden = ended;
  $("#sluiten").hidden = !ended;
}

// One event of a build (server-sent, in the order they happen).
export function onBuildEvent(event) {
  const status = $("#bouwstatus");
  const bar = $("#voortgang");
  if (event.event === "build_planned") {
    $("#bouwen").hidden = false;
    finished(false);
    $("#samenvatting").replaceChildren();
    progress.total = event.episodes.filter((e) => e.reason).length;
    progress.done = 0;
    bar.max = Math.max(1, progress.total);
    bar.value = 0;
    status.textContent = progress.total ? `${count(progress.total, "aflevering", "afleveringen")} te maken` : "Alles is al klaar.";
  } else if (event.event === "clip_voiced") {
    status.textContent = `De stem spreekt de zinnen in: ${event.done} van ${event.total}`;
  } else if (event.event === "episode_started") {
    status.textContent = `Bezig met ${event.path.split("/").pop()} (${[event.length_words, event.ratio_words].filter(Boolean).join(", ")})`;
  } else if (event.event === "episode_built" || event.event === "episode_failed") {
    progress.done += 1;
    bar.value = progress.done;
  } else if (event.event === "build_finished") {
    if (!event.report.cancelled) bar.value = bar.max; // stopped: the bar stays where it got
    finished(true);
    showSummary(event.report);
    document.dispatchEvent(new CustomEvent("build-finished", { detail: event.report }));
  } else if (event.event === "build_refused") {
    $("#bouwen").hidden = false;
    status.textContent = event.message.nl;
    finished(true);
  }
}

function showSummary(report) {
  const box = $("#samenvatting");
  const built = report.episodes.filter((e) => e.status === "built").length;
  $("#bouwstatus").textContent = !report.cancelled
    ? `Klaar: ${built} gemaakt, ${report.episodes.length - built} waren al goed.`
    : built ? `Gestopt. ${built} ${built === 1 ? "aflevering is" : "afleveringen zijn"} klaar en bewaard.`
    : "Gestopt, voordat er een aflevering klaar was.";
  const rows = report.episodes.map((e) => el("tr", {},
    el("td", { text: e.title }), el("td", { text: [e.length_words, e.ratio_words].filter(Boolean).join(" · ") }),
    el("td", { text: clock(e.duration_s) }),
    el("td", { text: wordFor(WORDS, "loudness_level", e.loudness_level) }),
    el("td", { text: wordFor(WORDS, "episode_status", e.status) })));
  box.replaceChildren(); // stopped before any was made: no empty table
  if (rows.length) {
    box.append(el("table", {},
      el("caption", { class: "verborgen", text: "Wat er gebouwd is" }),
      el("thead", {}, el("tr", {}, ...["Oefening", "Versie", "Duur", "Luidheid", ""].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows)));
  }
  // Every warning of the build, from its report: also those said before it planned (Google
  // not reachable, a ratio's advice), which a page gathering them as they came lost.
  const warnings = [...new Set(report.warnings.map((w) => w.nl))];
  if (warnings.length) {
    box.append(el("h3", { text: "Goed om te weten" }), el("ul", {}, ...warnings.map((w) => el("li", { text: w }))));
  }
  if (report.failures.length) {
    box.append(el("h3", { text: "Niet gelukt" }), el("ul", {}, ...report.failures.map((f) => el("li", { text: f.error.nl }))));
  }
}
