// Je oefeningen: every script, its status, its ratios, its voice, when it was built. It
// follows every build, here or in a terminal.

import { $, el } from "../dom.js";
import { api, handled, WORDS } from "../api.js";
import { builtWhen, clock, takesSummary, versionsSummary, wordFor } from "../format.js";
import { shown, view } from "../router.js";
import { startBuild } from "./build.js";

async function show() {
  const { data } = await api("/api/overview");
  showBusy(data.building);
  const online = data.online;
  $("#online-kort").textContent = !online ? ""
    : online.current ? `Online sinds ${builtWhen(online.at).replace("gebouwd ", "")}.`
    : "Nieuwer dan online: publiceer en zet het online.";
  // In the page's order, under its groups (a script with errors last, on its own).
  const groups = [];
  for (const script of data.scripts) {
    const last = groups[groups.length - 1];
    if (last && last.name === script.group) last.scripts.push(script);
    else groups.push({ name: script.group, scripts: [script] });
  }
  $("#oefeningen").replaceChildren(...groups.flatMap((group) => [
    group.name ? el("h2", { class: "groep", text: group.name }) : null,
    el("ul", { class: "kaarten", "aria-label": group.name || "Oefeningen" },
      ...group.scripts.map((script) => card(script, Boolean(group.name)))),
  ].filter(Boolean)));
  await showBin();
}

// What holds the project now (a build, a deploy…), here or elsewhere, in the job's own words;
// her own build or deploy with a way to see how it goes.
function showBusy(busy) {
  $("#bezig").hidden = !busy;
  if (!busy) return;
  $("#bezig-tekst").textContent = wordFor(WORDS, busy.here ? "busy_here" : "busy_elsewhere", busy.job);
  $("#bezig-zien").hidden = !(busy.here && (busy.job === "build" || busy.job === "deploy"));
  $("#bezig-zien").dataset.job = busy.job;
}

$("#bezig-zien").addEventListener("click", (event) => {
  if (event.target.dataset.job === "deploy") {
    location.hash = "#/publiceren";
    return;
  }
  $("#bouwen").hidden = false;
  $("#kop-bouwen").setAttribute("tabindex", "-1");
  $("#kop-bouwen").focus();
});

async function showBin() {
  const { data } = await api("/api/bin");
  $("#prullenbak").hidden = !data.length;
  $("#weggehaald").replaceChildren(...data.map((item) => el("li", {},
    el("span", { text: item.title }),
    el("span", { class: "klein", text: `weggehaald ${builtWhen(item.removed_at).replace("gebouwd ", "")}` }),
    el("button", { type: "button", text: "Terugzetten", onclick: handled(async () => {
      const { data: restored } = await api(`/api/bin/${encodeURIComponent(item.id)}/restore`, { method: "POST" });
      location.hash = `#/bewerken/${encodeURIComponent(restored.name)}`;
    }) }),
  )));
}

$("#nieuw").addEventListener("submit", handled(async (event) => {
  event.preventDefault();
  const title = $("#nieuwe-titel").value.trim();
  if (!title) {
    $("#nieuwe-titel").focus();
    return;
  }
  const { data } = await api("/api/scripts", { method: "POST", body: { title } });
  $("#nieuwe-titel").value = "";
  location.hash = `#/bewerken/${encodeURIComponent(data.name)}`;
}));

function card(script, grouped) {
  const status = script.status; // "building" only while a build here works on it
  const engines = [...new Set(script.episodes.map((e) => e.engine).filter(Boolean))];
  const name = encodeURIComponent(script.name);
  const takes = takesSummary(script.takes_recorded, script.takes_total, script.takes_to_check);
  const item = el("li", { class: "kaart" },
    el(grouped ? "h3" : "h2", {}, el("a", { href: `#/bewerken/${name}`, text: script.title })),
    el("span", { class: `status ${status}`, text: wordFor(WORDS, "script_status", status) }),
    engines.length ? el("span", { class: "klein", text: "Stem: " + engines.map((e) => wordFor(WORDS, "engine", e)).join(", ") }) : null,
    takes ? el("span", { class: "klein", text: takes }) : null,
  );
  if (script.errors.length) {
    item.append(el("ul", { class: "meldingen" }, ...script.errors.map((e) =>
      el("li", { class: "fout", text: `regel ${e.line}: ${e.nl}` }))));
  }
  // One line for all its versions; each one (length, rhythm, duration, when) folded away.
  if (script.episodes.length) {
    item.append(el("p", { class: "klein versies", text: versionsSummary(script.episodes) }),
      el("details", { class: "versies" }, el("summary", { class: "klein", text: "Alle versies" }),
        el("ul", { "aria-label": "Versies" }, ...script.episodes.map((e) =>
          el("li", { class: "klein", text: [
            e.length_words,
            e.words,
            e.duration_s ? clock(e.duration_s) : null,
            builtWhen(e.built ? e.built_at : null),
            e.built && !e.up_to_date ? "moet opnieuw" : null,
          ].filter(Boolean).join(" · ") })))));
  }
  item.append(el("div", { class: "knoppen" },
    el("a", { href: `#/bewerken/${name}`, text: "Bewerken" }),
    script.episodes.some((e) => e.built) ? el("a", { href: `#/aflevering/${name}`, text: "Beluisteren" }) : null,
    el("button", { type: "button", text: "Bouwen", onclick: () => startBuild([script.name]) }),
    el("button", { type: "button", text: "Kopie maken", onclick: handled(async () => {
      const { data } = await api(`/api/scripts/${name}/copy`, { method: "POST" });
      location.hash = `#/bewerken/${encodeURIComponent(data.name)}`;
    }) }),
    el("button", { type: "button", text: "Weghalen", onclick: handled(async () => {
      if (!confirm(`${script.title} weghalen? Het gaat naar de prullenbak; je kunt het terugzetten.`)) return;
      await api(`/api/scripts/${name}`, { method: "DELETE" });
      await show();
    }) }),
  ));
  return item;
}

const refresh = handled(async () => { if (shown("overzicht")) await show(); });
document.addEventListener("build-finished", refresh);
document.addEventListener("project-changed", refresh);

view("overzicht", show);
