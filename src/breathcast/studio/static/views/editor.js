// Bewerken: the text with line numbers, checked as she types (errors and advice at their
// line, in Dutch), saved over its version (or both versions shown), earlier versions, and
// front-matter keys set by the studio itself.

import { $, el } from "../dom.js";
import { api, handled } from "../api.js";
import { lineAt, lineRange } from "../format.js";
import { view } from "../router.js";
import { startBuild } from "./build.js";

const textarea = $("#tekst");
export const editor = { name: null, version: "", saved: "", engine: null, marks: {}, timer: null };

async function show(name) {
  if (editor.name === name && textarea.value !== editor.saved) return; // keep unsaved work
  const { data } = await api(`/api/scripts/${encodeURIComponent(name)}`);
  editor.name = name;
  loaded(data);
  $("#bestandsnaam").textContent = name;
}

// A document from the studio (read, saved or changed there) in the editor, and its checks.
function loaded(data) {
  editor.version = data.version;
  editor.saved = data.text;
  textarea.value = data.text;
  showCheck(data);
  updateSaveState();
}

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

function updateNumbers(marks = editor.marks) {
  editor.marks = marks;
  const count = textarea.value.split("\n").length;
  const box = $("#nummers");
  box.replaceChildren();
  for (let n = 1; n <= count; n++) {
    const mark = marks[n];
    const title = mark === "fout" ? "fout op deze regel" : mark ? "advies op deze regel" : null;
    box.append(el("div", { class: mark || null, title, text: String(n) }));
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
  if (data.ratios.length) {
    fill($("#ritme"), data.ratios.map((r) => [r.ratio, r.words]));
  }
  $("#lengte-kies").hidden = !data.lengths.length;
  fill($("#lengte"), data.lengths.map((n) => [n.length, n.length_words]));
  editor.engine = data.engine;
  document.dispatchEvent(new CustomEvent("script-checked", { detail: data }));
}

// The options of a select, keeping what was chosen if it is still there.
function fill(select, options) {
  const chosen = select.value;
  select.replaceChildren(...options.map(([value, text]) => el("option", { value, text })));
  if (options.some(([value]) => value === chosen)) select.value = chosen;
}

function goToLine(line) {
  const [start, end] = lineRange(textarea.value, line);
  textarea.focus();
  textarea.setSelectionRange(start, end);
  textarea.scrollTop = Math.max(0, (line - 4) * parseFloat(getComputedStyle(textarea).lineHeight));
}

export function cursorLine() {
  return lineAt(textarea.value, textarea.selectionStart);
}

textarea.addEventListener("input", () => {
  updateSaveState();
  updateNumbers();
  clearTimeout(editor.timer);
  editor.timer = setTimeout(handled(async () => {
    const { data } = await api("/api/check", { method: "POST", body: { name: editor.name, text: textarea.value } });
    showCheck(data);
  }), 400);
});

// Save what is on screen over the version it came from; false when the disk changed since.
export async function save(base = editor.version) {
  const text = textarea.value;
  const { status, data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}`, {
    method: "PUT", body: { text, version: base },
  });
  if (status === 409 && data.disk_version !== undefined) {
    showConflict(text, data);
    return false;
  }
  if (status === 409) return false; // a page of an earlier run: the banner says so
  loaded(data);
  return true;
}

// Before anything is heard or built: what is on screen is saved.
export async function ensureSaved() {
  if (textarea.value !== editor.saved) return save();
  return true;
}

// Keys of the front matter, set by the studio (through the same parser as the build): one
// (`key`, `value`), or several at once as an object of keys and values (null: taken out).
export async function setFrontMatter(key, value) {
  if (!(await ensureSaved())) return false;
  const keys = typeof key === "object" ? { keys: key } : { key, value };
  const { status, data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}/front`, {
    method: "POST", body: { ...keys, version: editor.version },
  });
  if (status === 409 && data.disk_version !== undefined) {
    showConflict(textarea.value, data);
    return false;
  }
  if (status === 409) return false;
  loaded(data);
  return true;
}

$("#opslaan").addEventListener("click", handled(() => save()));
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "s" && !$('[data-view="bewerken"]').hidden) {
    event.preventDefault();
    if (textarea.value !== editor.saved) handled(save)();
  }
});

function showConflict(mine, data) {
  const dialog = $("#conflict");
  $("#conflict-mijn").value = mine;
  $("#conflict-schijf").value = data.disk_text;
  $("#houd-mijn").onclick = handled(async () => {
    dialog.close();
    await save(data.disk_version); // the disk's version goes into the history
  });
  $("#houd-schijf").onclick = handled(async () => {
    dialog.close();
    await api(`/api/scripts/${encodeURIComponent(editor.name)}/keep`, { method: "POST", body: { text: mine } });
    editor.version = data.disk_version;
    editor.saved = data.disk_text;
    textarea.value = data.disk_text;
    updateSaveState();
    textarea.dispatchEvent(new Event("input"));
  });
  $("#conflict-later").onclick = () => dialog.close();
  dialog.showModal();
}

// Earlier versions: every save kept the text it replaced.
$("#versies").addEventListener("click", handled(async () => {
  const { data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}/history`);
  const list = $("#versielijst");
  list.replaceChildren(...data.map((v) => el("option", { value: v.id, text: new Date(v.saved_at).toLocaleString("nl-NL") })));
  if (!data.length) list.append(el("option", { disabled: "", text: "Nog geen eerdere versies" }));
  $("#versietekst").value = "";
  $("#zet-terug").disabled = true;
  $("#geschiedenis").showModal();
}));
$("#versielijst").addEventListener("change", handled(async (event) => {
  const version = encodeURIComponent(event.target.value);
  const { data } = await api(`/api/scripts/${encodeURIComponent(editor.name)}/history/${version}`);
  $("#versietekst").value = data.text;
  $("#zet-terug").disabled = false;
}));
$("#zet-terug").addEventListener("click", handled(async () => {
  textarea.value = $("#versietekst").value;
  $("#geschiedenis").close();
  textarea.dispatchEvent(new Event("input"));
  await save();
}));
$("#geschiedenis-dicht").addEventListener("click", () => $("#geschiedenis").close());
$("#bouw-dit").addEventListener("click", handled(async () => {
  if (await ensureSaved()) await startBuild([editor.name]);
}));

view("bewerken", show);
