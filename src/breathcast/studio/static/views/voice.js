// Every line the voice says (and each breathing cue): hear it, hear the exercise from there,
// and record it in her own voice, a line at a time or a whole reading at once.

import { $, el } from "../dom.js";
import { api, banner, handled, WORDS } from "../api.js";
import { clock, readingSummary, wordFor } from "../format.js";
import { cursorLine, editor, ensureSaved, setFrontMatter } from "./editor.js";

const recorder = { media: null, timer: null };
const path = () => `/api/scripts/${encodeURIComponent(editor.name)}`;

document.addEventListener("script-checked", (event) => showSpoken(event.detail.spoken));

let shown = ""; // the lines as last drawn

function showSpoken(spoken) {
  if (recorder.media) return; // not while she records: the row she records in stays
  // Drawn again only when they changed: a save of the length or the group leaves the rows
  // (and a button she is pressing) where they are.
  const now = JSON.stringify([editor.name, spoken]);
  if (now !== shown) $("#zinnen").replaceChildren(...spoken.map(lineRow));
  shown = now;
  const recorded = spoken.filter((l) => l.take === "ok" || l.take === "check").length;
  $("#opnames-stand").textContent = spoken.length
    ? `${recorded} van de ${spoken.length} zinnen in je eigen stem opgenomen.` : "";
  $("#eigen-stem").hidden = !(recorded && editor.engine !== "opname");
}

function lineRow(line) {
  // A cue shares its line with the breathing block (and other cues): its text tells them apart.
  const which = line.cue ? `"${line.text}", regel ${line.line}` : `regel ${line.line}`;
  const query = line.cue ? `?text=${encodeURIComponent(line.text)}` : "";
  const hasTake = line.take === "ok" || line.take === "check";
  const recordWord = hasTake ? "Opnieuw opnemen" : "Opnemen";
  const row = el("li", { "data-line": line.line, "data-take": line.take },
    el("span", { class: "regel" },
      el("span", { text: line.cue ? `regel ${line.line} · ademaanwijzing` : `regel ${line.line}` }),
      el("span", { class: `opname ${line.take}`, title: line.take_source, text: wordFor(WORDS, "take_state", line.take) })),
    el("span", { text: line.text }),
    el("span", { class: "knoppen" },
      el("button", { type: "button", class: "speel", "aria-label": `Speel zin, ${which}`, text: "Speel zin", onclick: () => playLine(line.line, line.text) }),
      line.cue ? null : el("button", { type: "button", class: "speel", "aria-label": `Speel vanaf hier, ${which}`, text: "Speel vanaf hier", onclick: () => playFrom(line.line) }),
      hasTake ? el("button", { type: "button", class: "speel", "aria-label": `Je opname, ${which}`, text: "Je opname", onclick: () => playTake(line.line, query) }) : null,
      el("button", { type: "button", class: "opnemen", "aria-label": `${recordWord}, ${which}`, text: recordWord, onclick: () => record(line, row, query, which) }),
    ));
  return row;
}

// Listening: one line, or the episode from a line on, rendered as it plays.
function listen(url, label) {
  const player = $("#luister");
  player.src = url;
  $("#speelt").textContent = label;
  player.play().catch(() => {});
}

const playLine = handled(async (line, text) => {
  if (!(await ensureSaved())) return; // a save may move the line: its words still find it
  const query = new URLSearchParams({ text, v: editor.version });
  listen(`${path()}/line/${line}.wav?${query}`, `Regel ${line}`);
});

const playTake = handled(async (line, query = "") => {
  if (!(await ensureSaved())) return;
  listen(`${path()}/takes/${line}.wav${query}`, `Je opname van regel ${line}`);
});

const playFrom = handled(async (line) => {
  if (!(await ensureSaved())) return;
  const query = new URLSearchParams({ ratio: $("#ritme").value, v: editor.version });
  const words = [];
  if (!$("#lengte-kies").hidden && $("#lengte").value) {
    query.set("length", $("#lengte").value);
    words.push($("#lengte").selectedOptions[0].textContent);
  }
  const ratio = $("#ritme").selectedOptions[0];
  if (ratio) words.push(ratio.textContent);
  listen(`${path()}/from/${line}.wav?${query}`, [`Vanaf regel ${line}`, ...words].join(", "));
});
$("#speel-cursor").addEventListener("click", () => playFrom(cursorLine()));

// Her own voice through the microphone: record, listen back, keep or record again.
const record = handled(async (line, row, query, which) => {
  if (recorder.media) return;
  if (!(await ensureSaved())) return;
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    banner("Deze browser kan niet opnemen. Gebruik Chrome, Edge of Firefox, of neem op met je telefoon en kies het bestand bij 'Je eigen stem'.");
    return;
  }
  let stream;
  try {
    // Her voice as it is: breathcast cleans it (noise, hum, sharp s) the same way for every take.
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
    });
  } catch (error) {
    banner("Ik kan de microfoon niet gebruiken. Sta de microfoon toe voor deze pagina (bij het slotje naast het adres) en probeer het opnieuw.");
    return;
  }
  const chunks = [];
  const media = new MediaRecorder(stream);
  recorder.media = media;
  media.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
  const started = Date.now();
  const time = el("span", { class: "klein", role: "timer", text: "0:00" });
  const panel = el("div", { class: "opnamepaneel", role: "group", "aria-label": `Opname, ${which}` },
    el("span", { class: "rood", text: "● Opname loopt " }), time,
    el("button", { type: "button", class: "hoofdknop", text: "Stop", onclick: () => media.stop() }));
  row.append(panel);
  panel.querySelector("button").focus();
  recorder.timer = setInterval(() => { time.textContent = clock((Date.now() - started) / 1000); }, 250);
  media.onstop = () => {
    clearInterval(recorder.timer);
    stream.getTracks().forEach((track) => track.stop());
    recorder.media = null;
    const blob = new Blob(chunks, { type: media.mimeType || "audio/webm" });
    listenBack(line, row, panel, blob, query, which);
  };
  media.start(250);
});

// Play the take back, then keep it or record again. Nothing is sent before she keeps it.
function listenBack(line, row, panel, blob, query, which) {
  const url = URL.createObjectURL(blob);
  const done = () => { URL.revokeObjectURL(url); panel.remove(); };
  const keep = el("button", { type: "button", class: "hoofdknop", text: "Bewaar", onclick: handled(async () => {
    keep.disabled = true;
    try {
      const { data } = await api(`${path()}/takes/${line.line}${query}`, { method: "POST", upload: blob });
      done();
      showSpoken(data.spoken);
      $("#opnames-stand").textContent = `Je opname van ${which} is bewaard. ` + $("#opnames-stand").textContent;
    } finally {
      keep.disabled = false;
    }
  }) });
  panel.replaceChildren(
    el("audio", { controls: "", src: url, "aria-label": `Je nieuwe opname, ${which}` }),
    el("span", { class: "knoppen" }, keep,
      el("button", { type: "button", text: "Opnieuw", onclick: () => { done(); record(line, row, query, which); } }),
      el("button", { type: "button", text: "Niet bewaren", onclick: done })));
  panel.querySelector("audio").play().catch(() => {});
}

// A whole reading from a file: every line gets its own take.
$("#lezing").addEventListener("change", handled(async (event) => {
  const file = event.target.files[0];
  const status = $("#lezing-status");
  try {
    if (!file || !(await ensureSaved())) return;
    status.textContent = "Ik zoek elke zin op in je opname. Dat duurt ongeveer een halve minuut…";
    const upload = `${path()}/reading?filename=${encodeURIComponent(file.name)}`;
    const { data } = await api(upload, { method: "POST", upload: file });
    status.textContent = readingSummary(data.lines);
    showSpoken(data.spoken);
  } catch (error) {
    status.textContent = "";
    throw error;
  } finally {
    event.target.value = "";
  }
}));

// Her voice for this exercise: `engine: opname` in the script's front matter.
$("#gebruik-stem").addEventListener("click", handled(() => setFrontMatter("engine", "opname")));
