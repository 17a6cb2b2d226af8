// Beluisteren: a built episode, its timeline (chapters, lines, phases, the bed), and the
// line being heard marked as it plays.

import { $, el, svg } from "../dom.js";
import { api, handled } from "../api.js";
import { clock, currentLine } from "../format.js";
import { view } from "../router.js";

const episode = { name: null, timeline: null, lines: [] };

async function show(name) {
  episode.name = name;
  const { data } = await api("/api/overview");
  const script = data.scripts.find((s) => s.name === name);
  if (!script) throw new Error("Deze oefening bestaat niet (meer).");
  $("#kop-aflevering").textContent = script.title;
  const select = $("#aflevering-ritme");
  const built = script.episodes.filter((e) => e.built);
  select.replaceChildren(...built.map((e) => el("option", {
    value: e.ratio, "data-length": e.length || "", "data-target": e.target_s || "", "data-path": e.path,
    text: [e.length_words, e.words, clock(e.duration_s)].filter(Boolean).join(" · "),
  })));
  select.onchange = handled(showEpisode);
  await showEpisode();
}

async function showEpisode() {
  const option = $("#aflevering-ritme").selectedOptions[0];
  if (!option) {
    $("#aflevering-uitleg").textContent = "Deze oefening is nog niet gebouwd.";
    return;
  }
  $("#aflevering-speler").src = `/api/episodes/${option.dataset.path}`;
  const query = new URLSearchParams({ ratio: option.value });
  if (option.dataset.length) query.set("length", option.dataset.length);
  const { data } = await api(`/api/scripts/${encodeURIComponent(episode.name)}/timeline?${query}`);
  episode.timeline = data;
  $("#aflevering-uitleg").textContent = [
    option.dataset.target ? `gevraagd ${clock(Number(option.dataset.target))}, het werd ${clock(data.duration)}` : clock(data.duration),
    data.words, `${data.chapters.length} hoofdstukken`,
  ].join(" · ");
  drawTimeline(data);
  const list = $("#aflevering-zinnen");
  list.replaceChildren(...data.lines.map((line, i) => el("li", {
    tabindex: "0", "data-index": i, onclick: () => seek(line.start),
    onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); seek(line.start); } },
  }, el("span", { class: "regel", text: `${clock(line.start)} · regel ${line.line}` }), el("span", { text: line.text }))));
  episode.lines = [...list.children];
}

function seek(seconds) {
  const player = $("#aflevering-speler");
  player.currentTime = seconds;
  player.play().catch(() => {});
}

function drawTimeline(data) {
  const box = $("#tijdlijn");
  box.replaceChildren();
  const x = (t) => (1000 * t) / data.duration;
  for (const chapter of data.chapters) {
    box.append(svg("line", { class: "hoofdstuk", x1: x(chapter.start), x2: x(chapter.start), y1: 0, y2: 150 }));
    const label = svg("text", { x: x(chapter.start) + 3, y: 12 });
    label.textContent = chapter.title;
    box.append(label);
  }
  data.lines.forEach((line, i) => {
    const rect = svg("rect", { class: "zin", x: x(line.start), y: 22, width: Math.max(1, x(line.end) - x(line.start)), height: 30, "data-index": i });
    const title = svg("title");
    title.textContent = `regel ${line.line}: ${line.text}`;
    rect.append(title);
    rect.addEventListener("click", () => seek(line.start));
    box.append(rect);
  });
  for (const phase of data.phases) {
    box.append(svg("rect", { class: phase.kind, x: x(phase.start), y: 62, width: Math.max(0.5, x(phase.end) - x(phase.start)), height: 26 }));
  }
  const points = data.bed.map(([t, db]) => `${x(t)},${150 - Math.max(0, (db + 80) * 0.7)}`).join(" ");
  box.append(svg("polyline", { points }));
  box.append(svg("line", { class: "kop", id: "afspeelkop", x1: 0, x2: 0, y1: 0, y2: 150 }));
}

$("#aflevering-speler").addEventListener("timeupdate", () => {
  const t = $("#aflevering-speler").currentTime;
  const data = episode.timeline;
  if (!data) return;
  const head = $("#afspeelkop");
  if (head) { const at = (1000 * t) / data.duration; head.setAttribute("x1", at); head.setAttribute("x2", at); }
  const current = currentLine(data.lines, t);
  episode.lines.forEach((item, i) => {
    if (i === current) item.setAttribute("aria-current", "true"); else item.removeAttribute("aria-current");
  });
  for (const rect of document.querySelectorAll("#tijdlijn rect.zin")) {
    rect.classList.toggle("nu", Number(rect.dataset.index) === current);
  }
});

view("aflevering", show);
