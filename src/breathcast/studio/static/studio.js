// breathcast studio: the page. It only shows and asks; the studio (the library behind it)
// parses, checks, voices, renders, builds and publishes.
"use strict";

const TOKEN = document.body.dataset.token;
const TOKEN_HEADER = document.body.dataset.header;
const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
};

const STATUS_WORDS = {
  klaar: "Klaar",
  bouwen: "Moet opnieuw gebouwd worden",
  fouten: "Bevat fouten",
  voorbeeldstem: "Voorbeeld met computerstem",
};
const VOICE_WORDS = { gtts: "Google-stem", espeak: "computerstem (voorbeeld)", opname: "je eigen stem" };

// ---- talking to the studio ------------------------------------------------------------------

let stopped = false;

function say(message) {
  const box = $("#melding");
  box.textContent = message;
  box.hidden = !message;
}

// `body` goes as JSON; `upload` (a recording) goes as it is, with its own type.
async function api(path, { method = "GET", body, upload } = {}) {
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
    studioGone();
    throw error;
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 409 && data.reason === "stale page") say(data.error);
  if (!response.ok && response.status !== 409) {
    const error = new Error(data.error || "Er ging iets mis.");
    error.data = data;
    throw error;
  }
  return { status: response.status, data };
}

function studioGone() {
  stopped = true;
  say("De studio is gestopt. Start hem opnieuw met breathcast studio; je tekst staat nog in dit venster.");
}

async function heartbeat() {
  try {
    const response = await fetch("/api/ping");
    const data = await response.json();
    if (data.instance !== TOKEN) {
      say("De studio is opnieuw gestart. Laad de pagina opnieuw om verder te gaan; je tekst staat nog in dit venster.");
    } else if (stopped) {
      stopped = false;
      say("");
    }
  } catch (error) {
    studioGone();
  }
}
setInterval(heartbeat, 8000);
window.addEventListener("focus", heartbeat);

function clock(seconds) {
  const whole = Math.floor(seconds + 1e-6);
  const m = Math.floor(whole / 60);
  const s = String(whole % 60).padStart(2, "0");
  return `${m}:${s}`;
}

function words(ratio) {
  const parts = ratio.split(":");
  const names = parts.length === 2 ? ["in", "uit"] : parts.length === 3 ? ["in", "vast", "uit"] : ["in", "vast", "uit", "vast"];
  return parts.map((part, i) => `${names[i]} ${part}`).join(", ");
}

function when(iso) {
  if (!iso) return "nog niet gebouwd";
  const date = new Date(iso);
  return "gebouwd " + date.toLocaleString("nl-NL", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

// ---- views ------------------------------------------------------------------------------------

const views = {};
async function route() {
  const [, view = "", ...rest] = location.hash.replace(/^#/, "").split("/");
  const name = view || "overzicht";
  for (const section of document.querySelectorAll("[data-view]")) {
    section.hidden = section.dataset.view !== name;
  }
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const show = views[name] || views.overzicht;
  await show(...rest.map(decodeURIComponent));
  const heading = $(`[data-view="${name}"] h1`);
  if (heading && document.activeElement === document.body) heading.setAttribute("tabindex", "-1");
}
window.addEventListener("hashchange", () => route().catch(report));

function report(error) {
  if (!stopped) say(error.message || String(error));
}

// Overview: every script, its status, its ratios, its voice, when it was built.
views.overzicht = async () => {
  const { data } = await api("/api/overview");
  $("#bezig-elders").hidden = !data.building || building;
  const list = $("#oefeningen");
  list.replaceChildren();
  for (const script of data.scripts) {
    const status = data.building ? "bezig" : script.status;
    const neverBuilt = !script.episodes.some((e) => e.built);
    const label = status === "bezig" ? "Bezig"
      : status === "bouwen" && neverBuilt ? "Nog niet gebouwd" : STATUS_WORDS[status];
    const engines = [...new Set(script.episodes.map((e) => e.engine).filter(Boolean))];
    const card = el("li", { class: "kaart" },
      el("h2", {}, el("a", { href: `#/bewerken/${encodeURIComponent(script.name)}`, text: script.title })),
      el("span", { class: `status ${status}`, text: label }),
      engines.length ? el("span", { class: "klein", text: "Stem: " + engines.map((e) => VOICE_WORDS[e] || e).join(", ") }) : null,
      script.takes_total ? el("span", { class: "klein", text: [
        `Eigen stem: ${script.takes_recorded} van de ${script.takes_total} zinnen opgenomen`,
        script.takes_to_check ? `${script.takes_to_check} om na te luisteren` : null,
      ].filter(Boolean).join(", ") }) : null,
    );
    if (script.errors.length) {
      card.append(el("ul", { class: "meldingen" }, ...script.errors.map((e) =>
        el("li", { class: "fout", text: `regel ${e.line}: ${e.nl}` }))));
    }
    card.append(el("ul", { "aria-label": "Ademritmes" }, ...script.episodes.map((e) =>
      el("li", { class: "klein", text: [
        words(e.ratio),
        e.duration_s ? clock(e.duration_s) : null,
        when(e.built ? e.built_at : null),
        e.built && !e.up_to_date ? "moet opnieuw" : null,
      ].filter(Boolean).join(" · ") }))));
    const name = encodeURIComponent(script.name);
    card.append(el("div", { class: "knoppen" },
      el("a", { href: `#/bewerken/${name}`, text: "Bewerken" }),
      script.episodes.some((e) => e.built) ? el("a", { href: `#/aflevering/${name}`, text: "Beluisteren" }) : null,
      el("button", { type: "button", text: "Bouwen", onclick: () => startBuild([script.name]) }),
    ));
    list.append(card);
  }
  if (data.site_url) $("#adres").value = data.site_url;
};

// ---- the editor -------------------------------------------------------------------------------

const editor = { name: null, version: "", saved: "", checkTimer: null, ratios: [] };
const textarea = $("#tekst");

views.bewerken = async (name) => {
  if (editor.name === name && textarea.value !== editor.saved) return; // keep unsaved work
  const { data } = await api(`/api/scripts/${encodeURIComponent(name)}`);
  editor.name = name;
  editor.version = data.version;
  editor.saved = data.text;
  textarea.value = data.text;
  $("#bestandsnaam").textContent = name;
  showCheck(data);
  updateNumbers();
  updateSaveState();
};

function titleOf(text) {
  const match = /^title:\s*(.+)$/m.exec(text);
  return match ? match[1] : editor.name;
}

function updateSaveState() {
  const changed = textarea.value !== editor.saved;
  $("#opslaan").disabled = !changed;
  $("#opslagstatus").textContent = changed ? "Nog niet opgeslagen" : "Opgeslagen";
  $("#kop-bewerken").textContent = titleOf(textarea.value);
}

function updateNumbers(marks = editor.marks || {}) {
  editor.marks = marks;
  const count = textarea.value.split("\n").length;
  const box = $("#nummers");
  box.replaceChildren();
  for (let n = 1; n <= count; n++) {
    const mark = marks[n];
    box.append(el("div", { class: mark || null, title: mark === "fout" ? "fout op deze regel" : mark ? "advies op deze regel" : null, text: String(n) }));
  }
  box.scrollTop = textarea.scrollTop;
}
textarea.addEventListener("scroll", () => { $("#nummers").scrollTop = textarea.scrollTop; });

function showCheck(data) {
  const list = $("#meldingen");
  list.replaceChildren();
  const marks = {};
  for (const e of data.errors) marks[e.line] = "fout";
  for (const n of data.notes) marks[n.line] = marks[n.line] || "advies";
  const items = [
    ...data.errors.map((e) => ["fout", e]),
    ...data.notes.map((n) => ["advies", n]),
  ].sort((a, b) => a[1].line - b[1].line);
  for (const [kind, item] of items) {
    list.append(el("li", { class: kind },
      el("button", { type: "button", text: `regel ${item.line}: ${item.nl}`, onclick: () => goToLine(item.line) })));
  }
  if (!items.length) list.append(el("li", { class: "ok", text: "Alles ziet er goed uit." }));
  updateNumbers(marks);
  if (data.ratios && data.ratios.length) {
    editor.ratios = data.ratios;
    const select = $("#ritme");
    const chosen = select.value;
    select.replaceChildren(...data.ratios.map((r) => el("option", { value: r, text: words(r) })));
    if (data.ratios.includes(chosen)) select.value = chosen;
  }
  editor.engine = data.engine;
  showSpoken(data.spoken || []);
}

// Every line the voice says (and each breathing cue), with her take of it and a record button.
function showSpoken(spoken) {
  if (recorder.media) return; // not while she records: the row she records in stays
  editor.spoken = spoken;
  const lines = $("#zinnen");
  lines.replaceChildren(...spoken.map(lineRow));
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
  const row = el("li", { "data-line": line.line, "data-take": line.take },
    el("span", { class: "regel" },
      el("span", { text: line.cue ? `regel ${line.line} · ademaanwijzing` : `regel ${line.line}` }),
      el("span", { class: `opname ${line.take}`, title: line.take_source || null, text: line.take_words })),
    el("span", { text: line.text }),
    el("span", { class: "knoppen" },
      el("button", { type: "button", class: "speel", "aria-label": `Speel zin, ${which}`, text: "Speel zin", onclick: () => playLine(line.line, query) }),
      line.cue ? null : el("button", { type: "button", class: "speel", "aria-label": `Speel vanaf hier, ${which}`, text: "Speel vanaf hier", onclick: () => playFrom(line.line) }),
      hasTake ? el("button", { type: "button", class: "speel", "aria-label": `Je opname, ${which}`, text: "Je opname", onclick: () => playTake(line.line, query) }) : null,
      el("button", { type: "button", class: "opnemen", "aria-label": `${hasTake ? "Opnieuw opnemen" : "Opnemen"}, ${which}`, text: hasTake ? "Opnieuw opnemen" : "Opnemen", onclick: () => record(line, row, query, which) }),
    ));
  return row;
}

function goToLine(line) {
  const lines = textarea.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + (lines[line - 1] || "").length);
  textarea.scrollTop = Math.max(0, (line - 4) * parseFloat(getComputedStyle(textarea).lineHeight));
}

function cursorLine() {
  return textarea.value.slice(0, textarea.selectionStart).split("\n").length;
}

textarea.addEventListener("input", () => {
  updateSaveState();
  updateNumbers();
  clearTimeout(editor.checkTimer);
  editor.checkTimer = setTimeout(async () => {
    try {
      const { data } = await api("/api/check", { method: "POST", body: { name: editor.name, text: textarea.value } });
      showCheck(data);
    } catch (error) { report(error); }
  }, 400);
});

async function save(base = editor.version) {
  const text = textarea.value;
  const { status, data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}`, {
    method: "PUT", body: { text, version: base },
  });
  if (status === 409 && data.disk_version !== undefined) {
    showConflict(text, data);
    return false;
  }
  editor.version = data.version;
  editor.saved = text;
  showCheck(data);
  updateSaveState();
  return true;
}
$("#opslaan").addEventListener("click", () => save().catch(report));
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "s" && !$('[data-view="bewerken"]').hidden) {
    event.preventDefault();
    if (textarea.value !== editor.saved) save().catch(report);
  }
});

function showConflict(mine, data) {
  const dialog = $("#conflict");
  $("#conflict-mijn").value = mine;
  $("#conflict-schijf").value = data.disk_text;
  $("#houd-mijn").onclick = async () => {
    dialog.close();
    await save(data.disk_version).catch(report); // the disk's version goes into the history
  };
  $("#houd-schijf").onclick = async () => {
    dialog.close();
    await api(`/api/scripts/${encodeURIComponent(editor.name)}/keep`, { method: "POST", body: { text: mine } });
    editor.version = data.disk_version;
    editor.saved = data.disk_text;
    textarea.value = data.disk_text;
    updateSaveState();
    textarea.dispatchEvent(new Event("input"));
  };
  $("#conflict-later").onclick = () => dialog.close();
  dialog.showModal();
}

// Earlier versions: every save kept the text it replaced.
$("#versies").addEventListener("click", async () => {
  const { data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}/history`);
  const list = $("#versielijst");
  list.replaceChildren(...data.map((v) => el("option", { value: v.id, text: new Date(v.saved_at).toLocaleString("nl-NL") })));
  if (!data.length) list.append(el("option", { disabled: "", text: "Nog geen eerdere versies" }));
  $("#versietekst").value = "";
  $("#zet-terug").disabled = true;
  $("#geschiedenis").showModal();
});
$("#versielijst").addEventListener("change", async (event) => {
  const { data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}/history/${encodeURIComponent(event.target.value)}`);
  $("#versietekst").value = data.text;
  $("#zet-terug").disabled = false;
});
$("#zet-terug").addEventListener("click", async () => {
  textarea.value = $("#versietekst").value;
  $("#geschiedenis").close();
  textarea.dispatchEvent(new Event("input"));
  await save().catch(report);
});
$("#geschiedenis-dicht").addEventListener("click", () => $("#geschiedenis").close());

// Listening: one line, or the episode from a line on, rendered as it plays.
function listen(url, label) {
  const player = $("#luister");
  player.src = url;
  $("#speelt").textContent = label;
  player.play().catch(() => {});
}
async function beforeListening() {
  if (textarea.value !== editor.saved) return save();
  return true;
}
async function playLine(line, query = "") {
  if (!(await beforeListening().catch(report))) return;
  const joiner = query ? "&" : "?";
  listen(`/api/scripts/${encodeURIComponent(editor.name)}/line/${line}.wav${query}${joiner}v=${editor.version}`, `Regel ${line}`);
}
async function playTake(line, query = "") {
  if (!(await beforeListening().catch(report))) return;
  listen(`/api/scripts/${encodeURIComponent(editor.name)}/takes/${line}.wav${query}`, `Je opname van regel ${line}`);
}
async function playFrom(line) {
  if (!(await beforeListening().catch(report))) return;
  const ratio = $("#ritme").value;
  listen(`/api/scripts/${encodeURIComponent(editor.name)}/from/${line}.wav?ratio=${encodeURIComponent(ratio)}&v=${editor.version}`,
    `Vanaf regel ${line}, ${words(ratio)}`);
}
$("#speel-cursor").addEventListener("click", () => playFrom(cursorLine()));
$("#bouw-dit").addEventListener("click", async () => {
  if (await beforeListening().catch(report)) startBuild([editor.name]);
});

// ---- her own voice: a line at a time through the microphone, or a whole reading ------------

const recorder = { media: null, timer: null };

async function record(line, row, query, which) {
  if (recorder.media) return;
  if (!(await beforeListening().catch(report))) return;
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    say("Deze browser kan niet opnemen. Gebruik Chrome, Edge of Firefox, of neem op met je telefoon en kies het bestand bij 'Je eigen stem'.");
    return;
  }
  let stream;
  try {
    // Her voice as it is: breathcast cleans it (noise, hum, sharp s) the same way for every take.
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
    });
  } catch (error) {
    say("Ik kan de microfoon niet gebruiken. Sta de microfoon toe voor deze pagina (bij het slotje naast het adres) en probeer het opnieuw.");
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
}

// Play the take back, then keep it or record again. Nothing is sent before she keeps it.
function listenBack(line, row, panel, blob, query, which) {
  const url = URL.createObjectURL(blob);
  const done = () => { URL.revokeObjectURL(url); panel.remove(); };
  const keep = el("button", { type: "button", class: "hoofdknop", text: "Bewaar", onclick: async () => {
    keep.disabled = true;
    try {
      const { data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}/takes/${line.line}${query}`, { method: "POST", upload: blob });
      done();
      showSpoken(data.spoken);
      $("#opnames-stand").textContent = `Je opname van ${which} is bewaard. ` + $("#opnames-stand").textContent;
    } catch (error) {
      keep.disabled = false;
      report(error);
    }
  } });
  panel.replaceChildren(
    el("audio", { controls: "", src: url, "aria-label": `Je nieuwe opname, ${which}` }),
    el("span", { class: "knoppen" }, keep,
      el("button", { type: "button", text: "Opnieuw", onclick: () => { done(); record(line, row, query, which); } }),
      el("button", { type: "button", text: "Niet bewaren", onclick: done })));
  panel.querySelector("audio").play().catch(() => {});
}

$("#lezing").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file || !(await beforeListening().catch(report))) return;
  const status = $("#lezing-status");
  status.textContent = "Ik zoek elke zin op in je opname. Dat duurt ongeveer een halve minuut…";
  try {
    const { data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}/reading?filename=${encodeURIComponent(file.name)}`, { method: "POST", upload: file });
    const unsure = data.lines.filter((l) => !l.sure);
    const again = data.lines.filter((l) => l.repeated_at_s !== null);
    status.textContent = [
      `${data.lines.length - unsure.length} van de ${data.lines.length} zinnen gevonden.`,
      unsure.length ? `Luister even na: ${unsure.map((l) => `regel ${l.line} (${clock(l.start_s)})`).join(", ")}.` : "",
      again.length ? `Twee keer gelezen, de laatste keer is bewaard: ${again.map((l) => `regel ${l.line}`).join(", ")}.` : "",
    ].filter(Boolean).join(" ");
    showSpoken(data.spoken);
  } catch (error) {
    status.textContent = "";
    report(error);
  } finally {
    event.target.value = "";
  }
});

// Her voice for this exercise: `engine: opname` in the script's heading, then saved.
$("#gebruik-stem").addEventListener("click", async () => {
  let text = textarea.value;
  const head = /^---\n([\s\S]*?)\n---/.exec(text);
  if (!head) text = `---\nengine: opname\n---\n\n${text}`;
  else if (/^engine:.*$/m.test(head[1])) text = text.replace(head[0], head[0].replace(/^engine:.*$/m, "engine: opname"));
  else text = text.replace(head[0], `---\n${head[1]}\nengine: opname\n---`);
  textarea.value = text;
  textarea.dispatchEvent(new Event("input"));
  await save().catch(report);
});

// ---- the episode view -------------------------------------------------------------------------

const episode = { name: null, timeline: null, lines: [] };
views.aflevering = async (name) => {
  episode.name = name;
  const { data } = await api("/api/overview");
  const script = data.scripts.find((s) => s.name === name);
  if (!script) throw new Error("Deze oefening bestaat niet (meer).");
  $("#kop-aflevering").textContent = script.title;
  const select = $("#aflevering-ritme");
  const built = script.episodes.filter((e) => e.built);
  select.replaceChildren(...built.map((e) => el("option", { value: e.ratio, "data-path": e.path, text: words(e.ratio) })));
  select.onchange = () => showEpisode();
  await showEpisode();
};

async function showEpisode() {
  const option = $("#aflevering-ritme").selectedOptions[0];
  if (!option) {
    $("#aflevering-uitleg").textContent = "Deze oefening is nog niet gebouwd.";
    return;
  }
  $("#aflevering-speler").src = `/api/episodes/${option.dataset.path}`;
  const { data } = await api(`/api/scripts/${encodeURIComponent(episode.name)}/timeline?ratio=${encodeURIComponent(option.value)}`);
  episode.timeline = data;
  $("#aflevering-uitleg").textContent = `${words(data.ratio)} · ${clock(data.duration)} · ${data.chapters.length} hoofdstukken`;
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

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
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
    const title = svg("title", {});
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
  let current = -1;
  data.lines.forEach((line, i) => { if (line.start <= t + 0.05) current = i; });
  episode.lines.forEach((item, i) => {
    if (i === current) item.setAttribute("aria-current", "true"); else item.removeAttribute("aria-current");
  });
  for (const rect of document.querySelectorAll("#tijdlijn rect.zin")) {
    rect.classList.toggle("nu", Number(rect.dataset.index) === current);
  }
});

// ---- pronunciation ------------------------------------------------------------------------------

const lexicon = { version: "", saved: "" };
views.uitspraak = async () => {
  const { data } = await api("/api/lexicon");
  lexicon.version = data.version;
  lexicon.saved = data.text;
  $("#uitspraak-tekst").value = data.text;
  showLexicon(data);
};
function showLexicon(data) {
  $("#uitspraak-opslaan").disabled = $("#uitspraak-tekst").value === lexicon.saved;
  $("#uitspraak-status").textContent = $("#uitspraak-opslaan").disabled ? "Opgeslagen" : "Nog niet opgeslagen";
  $("#uitspraak-meldingen").replaceChildren(...data.errors.map((e) => el("li", { class: "fout", text: `regel ${e.line}: ${e.nl}` })));
  $("#woorden").replaceChildren(...data.entries.map((entry) => el("tr", {},
    el("td", { text: entry.word }), el("td", { text: entry.say }),
    el("td", {}, el("span", { class: "knoppen" },
      el("button", { type: "button", class: "speel", text: "Zoals geschreven", "aria-label": `Zoals geschreven: ${entry.word}`, onclick: () => sayAloud(entry.word) }),
      el("button", { type: "button", class: "speel", text: "Zoals bedoeld", "aria-label": `Zoals bedoeld: ${entry.say}`, onclick: () => sayAloud(entry.say) }))))));
}
function sayAloud(text) {
  const player = new Audio(`/api/say.wav?text=${encodeURIComponent(text)}`);
  player.play().catch(() => {});
}
$("#uitspraak-tekst").addEventListener("input", () => {
  clearTimeout(lexicon.timer);
  $("#uitspraak-opslaan").disabled = $("#uitspraak-tekst").value === lexicon.saved;
  $("#uitspraak-status").textContent = "Nog niet opgeslagen";
});
$("#uitspraak-opslaan").addEventListener("click", async () => {
  const text = $("#uitspraak-tekst").value;
  const { status, data } = await api("/api/lexicon", { method: "PUT", body: { text, version: lexicon.version } });
  if (status === 409) { say(data.error); return; }
  lexicon.version = data.version;
  lexicon.saved = text;
  showLexicon(data);
});

// ---- building ------------------------------------------------------------------------------------

let building = false;
const progress = { voiced: {}, done: 0, total: 0 };
const WARNING_WORDS = (event) => event.nl || event.message;

async function startBuild(names) {
  try {
    await api("/api/build", { method: "POST", body: { scripts: names } });
  } catch (error) {
    report(error);
  }
}
$("#alles-bouwen").addEventListener("click", () => startBuild([]));
$("#stoppen").addEventListener("click", () => api("/api/build/cancel", { method: "POST", body: {} }).catch(report));
$("#sluiten").addEventListener("click", () => { $("#bouwen").hidden = true; });

function onEvent(event) {
  const panel = $("#bouwen");
  const status = $("#bouwstatus");
  const bar = $("#voortgang");
  if (event.event === "build_planned") {
    building = true;
    panel.hidden = false;
    $("#stoppen").hidden = false;
    $("#sluiten").hidden = true;
    $("#samenvatting").replaceChildren();
    progress.total = event.episodes.filter((e) => e.reason).length;
    progress.done = 0;
    bar.max = Math.max(1, progress.total);
    bar.value = 0;
    status.textContent = progress.total ? `${progress.total} ${progress.total === 1 ? "aflevering" : "afleveringen"} te maken` : "Alles is al klaar.";
  } else if (event.event === "clip_voiced") {
    status.textContent = `De stem spreekt de zinnen in: ${event.done} van ${event.total}`;
  } else if (event.event === "episode_started") {
    status.textContent = `Bezig met ${event.path.split("/").pop()} (${words(event.ratio)})`;
  } else if (event.event === "episode_built" || event.event === "episode_failed") {
    progress.done += 1;
    bar.value = progress.done;
  } else if (event.event === "build_finished") {
    building = false;
    bar.value = bar.max;
    $("#stoppen").hidden = true;
    $("#sluiten").hidden = false;
    showSummary(event.report);
    if (!$('[data-view="overzicht"]').hidden) views.overzicht().catch(report);
  } else if (event.event === "build_refused") {
    panel.hidden = false;
    status.textContent = event.message.includes("another breathcast build") ? "Er wordt al gebouwd (bezig in een ander venster). Probeer het zo nog eens." : event.message;
    $("#stoppen").hidden = true;
    $("#sluiten").hidden = false;
  }
}

function showSummary(report) {
  const box = $("#samenvatting");
  const built = report.episodes.filter((e) => e.status === "built").length;
  $("#bouwstatus").textContent = report.cancelled
    ? `Gestopt. ${built} ${built === 1 ? "aflevering is" : "afleveringen zijn"} klaar en bewaard.`
    : `Klaar: ${built} gemaakt, ${report.episodes.length - built} waren al goed.`;
  const rows = report.episodes.map((e) => el("tr", {},
    el("td", { text: e.path.split("/")[0] }), el("td", { text: words(e.ratio) }), el("td", { text: clock(e.duration_s) }),
    el("td", { text: `${e.loudness_lufs.toFixed(1)} LUFS` }),
    el("td", { text: e.status === "built" ? "gemaakt" : "was al klaar" })));
  box.replaceChildren(el("table", {},
    el("caption", { class: "verborgen", text: "Wat er gebouwd is" }),
    el("thead", {}, el("tr", {}, ...["Oefening", "Ademritme", "Duur", "Luidheid", ""].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...rows)));
  if (report.warnings.length) {
    box.append(el("h3", { text: "Goed om te weten" }), el("ul", {}, ...report.warnings.map((w) => el("li", { text: w }))));
  }
  if (report.failures.length) {
    box.append(el("h3", { text: "Niet gelukt" }), el("ul", {}, ...report.failures.map((f) => el("li", { text: f.nl || f.error }))));
  }
}

function connect() {
  const source = new EventSource("/api/events");
  source.addEventListener("hello", (message) => {
    const data = JSON.parse(message.data);
    if (data.instance !== TOKEN) say("De studio is opnieuw gestart. Laad de pagina opnieuw om verder te gaan; je tekst staat nog in dit venster.");
  });
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.event === "warning") {
      (progress.warnings = progress.warnings || []).push(WARNING_WORDS(event));
    }
    if (event.event === "build_finished") event.report.warnings = progress.warnings || event.report.warnings;
    if (event.event === "build_planned") progress.warnings = [];
    onEvent(event);
  };
  source.onerror = () => heartbeat();
}

// ---- publishing -------------------------------------------------------------------------------

views.publiceren = async () => {
  const { data } = await api("/api/overview");
  if (data.site_url) $("#adres").value = data.site_url;
};
$("#publiceer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("#gepubliceerd");
  out.textContent = "Bezig met publiceren…";
  try {
    const { data } = await api("/api/publish", { method: "POST", body: { site_url: $("#adres").value, allow_preview: $("#voorbeelden").checked } });
    out.replaceChildren(el("p", { text: "Gepubliceerd. Zet de map build/site op je website." }),
      el("p", {}, el("a", { href: data.page, target: "_blank", text: "Bekijk de pagina" }), " · ",
        el("a", { href: data.feed, target: "_blank", text: "De podcastfeed" })));
  } catch (error) {
    out.textContent = (error.data && error.data.error) || error.message;
  }
});

connect();
route().catch(report);
