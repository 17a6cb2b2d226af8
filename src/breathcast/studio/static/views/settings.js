// Instellingen: every setting she changes, in Dutch. The studio checks each value by the
// rules the build uses; a value it refuses is said at its field, and nothing is saved.

import { $, el } from "../dom.js";
import { api, handled } from "../api.js";
import { view } from "../router.js";

const form = $("#instellingen-form");
const TEXT_FIELDS = ["title", "description", "author", "owner_email", "site_url"];
const settings = { categories: [], ratios: [], recommended: "" };

async function show(highlight) {
  const { data } = await api("/api/settings");
  fillForm(data);
  clearProblems();
  $("#instellingen-status").textContent = "";
  if (highlight) markProblems({ [highlight]: highlightWords[highlight] || "" });
}

const highlightWords = {
  site_url: "Vul hier het adres van je website in.",
  owner_email: "Vul hier je e-mailadres in.",
};

function fillForm(data) {
  const { values, words, choices } = data;
  for (const name of TEXT_FIELDS) $(`#instelling-${name}`).value = values[name] || "";
  for (const node of form.querySelectorAll("[data-woorden]")) node.textContent = words[node.dataset.woorden] || "";
  options($("#instelling-language"), choices.languages.map((c) => [c.value, c.words]), values.language);
  options($("#instelling-engine"), choices.engines.map((c) => [c.value, c.words]), values.engine);
  settings.categories = choices.categories;
  options($("#instelling-category"), choices.categories.map((c) => [c.value, c.words]), values.category);
  subcategories(values.subcategory);
  settings.ratios = choices.ratios.map((r) => ({ ...r, offered: values.ratios.includes(r.ratio) }));
  settings.recommended = values.ratios[0] || "";
  showRatios();
  $("#instelling-plaatje").src = `/api/settings/cover?${Date.now()}`;
}

function options(select, pairs, chosen) {
  select.replaceChildren(...pairs.map(([value, text]) => el("option", { value, text })));
  select.value = chosen;
}

function subcategories(chosen) {
  const category = settings.categories.find((c) => c.value === $("#instelling-category").value);
  const subs = category ? category.subcategories : [];
  options($("#instelling-subcategory"), [["", "Geen"], ...subs.map((s) => [s.value, s.words])], "");
  if (subs.some((s) => s.value === chosen)) $("#instelling-subcategory").value = chosen;
  $("#instelling-subcategory").disabled = !subs.length;
}
$("#instelling-category").addEventListener("change", () => subcategories(""));

// One row per ratio: offered (a tick box) and recommended (one of them, offered too).
function showRatios() {
  $("#ritmes").replaceChildren(...settings.ratios.map((r) => el("tr", {},
    el("th", { scope: "row", text: `${r.words} (${r.ratio})` }),
    el("td", {}, el("input", {
      type: "checkbox", checked: r.offered ? "" : null, "aria-label": `${r.words} aanbieden`,
      "data-ritme": r.ratio,
      onchange: (event) => {
        r.offered = event.target.checked;
        if (!r.offered && settings.recommended === r.ratio) settings.recommended = offered()[0] || "";
        if (r.offered && !settings.recommended) settings.recommended = r.ratio;
        showRatios();
      },
    })),
    el("td", {}, el("input", {
      type: "radio", name: "aanraden", checked: settings.recommended === r.ratio ? "" : null,
      "aria-label": `${r.words} aanraden`,
      onchange: () => {
        settings.recommended = r.ratio;
        r.offered = true;
        showRatios();
      },
    })))));
}

function offered() {
  return settings.ratios.filter((r) => r.offered).map((r) => r.ratio);
}

$("#ritme-erbij").addEventListener("click", () => {
  const written = $("#ritme-nieuw").value.trim().replace(/\s+/g, "");
  if (!written) return;
  if (!settings.ratios.some((r) => r.ratio === written)) {
    settings.ratios.push({ ratio: written, words: written, offered: true });
  } else {
    settings.ratios.find((r) => r.ratio === written).offered = true;
  }
  $("#ritme-nieuw").value = "";
  if (!settings.recommended) settings.recommended = written;
  showRatios();
});

function values() {
  const ratios = offered();
  const recommended = ratios.includes(settings.recommended) ? [settings.recommended] : [];
  const found = { ratios: [...recommended, ...ratios.filter((r) => !recommended.includes(r))] };
  for (const name of [...TEXT_FIELDS, "language", "category", "subcategory", "engine"]) {
    found[name] = $(`#instelling-${name}`).value;
  }
  return found;
}

function fieldOf(name) {
  return name === "ratios" ? $("#instelling-ratios") : $(`#instelling-${name}`);
}

function clearProblems() {
  for (const node of form.querySelectorAll(".veldfout")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.classList.remove("gemarkeerd");
  }
}

// Each refusal at its field (and the first field focused), in the studio's words.
function markProblems(fields) {
  clearProblems();
  let first = null;
  for (const [name, words] of Object.entries(fields)) {
    const field = fieldOf(name);
    if (!field) continue;
    field.setAttribute("aria-invalid", "true");
    field.classList.add("gemarkeerd");
    if (words) {
      const note = el("p", { class: "veldfout", id: `fout-${name}`, text: words });
      field.after(note);
      field.setAttribute("aria-describedby", note.id);
    }
    first = first || field;
  }
  if (first) (first.matches("fieldset") ? first.querySelector("input") : first).focus();
}

// Her podcast's name at the top and on the tab, as she just saved it (not as it was when
// the page was opened).
function showTitle(title) {
  if (!title) return;
  $(".merk .project").textContent = title;
  document.title = `Studio · ${title}`;
}

form.addEventListener("submit", handled(async (event) => {
  event.preventDefault();
  const status = $("#instellingen-status");
  status.textContent = "Bezig met bewaren…";
  status.className = "";
  try {
    const { data } = await api("/api/settings", { method: "POST", body: { values: values() } });
    fillForm(data);
    clearProblems();
    showTitle(data.values.title);
    status.textContent = data.changed.length ? "Bewaard." : "Er was niets veranderd.";
    status.className = "goed-melding";
  } catch (error) {
    markProblems((error.data && error.data.fields) || {});
    status.textContent = error.message;
    status.className = "fout-melding";
  }
}));

$("#instelling-cover").addEventListener("change", handled(async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const status = $("#instelling-cover-status");
  status.textContent = "Bezig met je plaatje…";
  try {
    const { data } = await api("/api/settings/cover", { method: "POST", upload: file });
    clearProblems();
    fillForm(data);
    status.textContent = "Je plaatje is bewaard.";
  } catch (error) {
    markProblems((error.data && error.data.fields) || { cover: error.message });
    status.textContent = "";
  }
  event.target.value = "";
}));

view("instellingen", show);
