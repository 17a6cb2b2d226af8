// Zet online: where the site goes (tested before it is kept), putting it there with live
// progress, what changed, the feed's address to copy, and the player for her blog.

import { $, el } from "../dom.js";
import { api, handled } from "../api.js";
import { builtWhen, count } from "../format.js";

const FIELDS = { kind: "#soort", host: "#host", port: "#poort", user: "#gebruiker", path: "#map" };
const HINTS = {
  sftp: ["bijvoorbeeld ftp.jouwwebsite.nl", "op je website, bijvoorbeeld public_html/rust"],
  ftp: ["bijvoorbeeld ftp.jouwwebsite.nl", "op je website, bijvoorbeeld public_html/rust"],
  ftps: ["bijvoorbeeld ftp.jouwwebsite.nl", "op je website, bijvoorbeeld public_html/rust"],
  webdav: ["het WebDAV-adres, https://…", "op je website, bijvoorbeeld rust"],
  s3: ["het adres van de opslag, https://…", "de bucket en een map, bijvoorbeeld podcast/rust"],
  folder: ["", "op deze computer, bijvoorbeeld /Volumes/Website/rust"],
};

function form() {
  const data = Object.fromEntries(Object.entries(FIELDS).map(([key, selector]) => [key, $(selector).value.trim()]));
  return { ...data, password: $("#wachtwoord").value, site_url: $("#online-adres").value.trim() };
}

// How the connection goes: a quiet line while it works, a red box when it fails (with the
// studio's Dutch words, which say what to do).
function tell(text, failed = false) {
  const out = $("#verbinding");
  out.textContent = text;
  out.classList.toggle("klein", !failed);
  out.classList.toggle("fout-melding", failed && Boolean(text));
}

function showKind() {
  const kind = $("#soort").value;
  $("#host-velden").hidden = kind === "folder";
  const [host, path] = HINTS[kind];
  $("#host-uitleg").textContent = host;
  $("#map-uitleg").textContent = path;
}
$("#soort").addEventListener("change", showKind);

// Her yes to the computer voice on the site: kept by the studio as soon as she ticks it.
$("#voorbeelden").addEventListener("change", handled(async (event) => {
  event.target.dataset.touched = "ja"; // hers now: a load still on its way does not undo it
  const { data } = await api("/api/online/previews", { method: "POST", body: { previews: event.target.checked } });
  event.target.checked = data.previews;
}));

// What the studio knows: the settings (never the password), and whether online is current.
export async function showOnline() {
  const { data } = await api("/api/online");
  for (const [key, selector] of Object.entries(FIELDS)) {
    if (data.settings[key]) $(selector).value = data.settings[key];
  }
  if (data.site_url) $("#online-adres").value = data.site_url;
  if (!$("#voorbeelden").dataset.touched) $("#voorbeelden").checked = data.previews;
  $("#wachtwoord").placeholder = data.settings.kept ? "bewaard; leeg laten om het te houden" : "";
  showKind();
  const online = data.online;
  $("#online-stand").textContent = !online ? "Je site staat nog niet online."
    : online.current ? `Online sinds ${builtWhen(online.at).replace("gebouwd ", "")}, op ${online.address}.`
    : "Er is iets nieuws dat nog niet online staat: zet het online.";
  $("#insluiten").replaceChildren(...data.embeds.map(embedSnippet));
}

function embedSnippet(embed) {
  const iframe = `<iframe src="${embed.page}" title="${embed.title}" width="100%" height="270" style="border:0;max-width:640px" loading="lazy"></iframe>`;
  const link = `<a href="${embed.page.replace(/embed\/[^/]+\.html$/, "")}#${embed.slug}">${embed.title}</a>`;
  return el("div", { class: "snippet" },
    el("strong", { text: embed.title }),
    copyable(`Speler voor ${embed.title}`, iframe),
    copyable(`Gewone link naar ${embed.title}`, link));
}

function copyable(label, text) {
  const area = el("textarea", { readonly: "", "aria-label": label, rows: "3" });
  area.value = text;
  return el("div", {}, area, el("button", { type: "button", text: "Kopieer", "aria-label": `Kopieer: ${label}`, onclick: () => copy(area) }));
}

async function copy(area) {
  area.select();
  try {
    await navigator.clipboard.writeText(area.value);
  } catch (error) {
    document.execCommand("copy"); // an older browser, or one that asks first
  }
}

$("#test-verbinding").addEventListener("click", handled(async () => {
  tell("Ik probeer je website te bereiken…");
  try {
    const { data } = await api("/api/online/test", { method: "POST", body: form() });
    tell(`Het lukt: ${data.target} antwoordt.`);
  } catch (error) {
    tell(error.message, true);
  }
}));

$("#online-form").addEventListener("submit", handled(async (event) => {
  event.preventDefault();
  const fields = form();
  if (fields.password || fields.kind === "folder") {
    tell("Ik bewaar waar je site komt te staan…");
    try {
      await api("/api/online/settings", { method: "POST", body: fields });
    } catch (error) {
      tell(error.message, true);
      return;
    }
  }
  await putOnline(false);
}));

async function putOnline(force) {
  tell("");
  $("#online-klaar").replaceChildren();
  await api("/api/online", { method: "POST", body: { allow_preview: $("#voorbeelden").checked, force } });
}
$("#online-stoppen").addEventListener("click", handled(() => api("/api/build/cancel", { method: "POST", body: {} })));

// One event of a deploy, as it happens.
export function onDeployEvent(event) {
  const bar = $("#online-balk");
  const status = $("#online-status");
  if (event.event === "deploy_planned") {
    $("#online-voortgang").hidden = false;
    $("#online-stoppen").hidden = false;
    bar.max = Math.max(1, event.bytes);
    bar.value = 0;
    status.textContent = event.sends.length ? `${count(event.sends.length, "bestand", "bestanden")} te versturen` : "Alles staat er al.";
  } else if (event.event === "file_sent") {
    bar.value = event.done;
    status.textContent = `Verstuurd: ${event.name.split("/").pop()}`;
  } else if (event.event === "deploy_refused") {
    $("#online-voortgang").hidden = true;
    if (event.reason === "needs_force") askToGoOn(event.message.nl);
    else tell(event.message.nl, true);
  } else if (event.event === "deploy_finished") {
    $("#online-stoppen").hidden = true;
    bar.value = bar.max;
    status.textContent = "";
    showDone(event.report);
    showOnline().catch(() => {});
  }
}

// Files of hers on the website would be replaced, or many removed: only with her yes.
function askToGoOn(why) {
  $("#online-klaar").replaceChildren(el("div", { class: "vraag" },
    el("p", { text: why }),
    el("p", { text: "Wil je toch doorgaan?" }),
    el("button", { type: "button", text: "Ja, ga door", onclick: handled(() => putOnline(true)) }),
    el("button", { type: "button", text: "Nee, nu niet", onclick: () => $("#online-klaar").replaceChildren() })));
}

function showDone(report) {
  const box = $("#online-klaar");
  const said = [];
  if (report.failed) said.push(report.failed.nl, `${count(report.sent.length, "bestand is", "bestanden zijn")} verstuurd; zet het nog eens online om de rest te doen. Wat online staat, klopt.`);
  else if (report.cancelled) said.push(`Gestopt na ${count(report.sent.length, "bestand", "bestanden")}. Wat online staat, klopt; zet het nog eens online om de rest te doen.`);
  else if (!report.sent.length && !report.removed.length) said.push("Er was niets nieuws: alles stond al online.");
  else said.push(`Klaar: ${count(report.sent.length, "bestand", "bestanden")} verstuurd (${(report.bytes_sent / 1e6).toFixed(1).replace(".", ",")} MB)`
    + (report.removed.length ? `, ${count(report.removed.length, "oud bestand", "oude bestanden")} weggehaald.` : "."));
  if (report.waiting.length) said.push(`${count(report.waiting.length, "oud bestand blijft", "oude bestanden blijven")} nog even staan voor apps die de vorige feed onthouden.`);
  const feed = `${report.address}/feed.xml`;
  box.replaceChildren(...said.map((text, i) => el("p", { text, class: i === 0 && report.failed ? "fout-melding" : null })),
    report.failed || report.cancelled ? null : el("p", {},
      el("a", { href: `${report.address}/`, target: "_blank", rel: "noopener", text: "Bekijk je pagina" }), " · ",
      el("a", { href: feed, target: "_blank", rel: "noopener", text: "De podcastfeed" })),
    report.failed || report.cancelled ? null : el("div", { class: "snippet" }, copyable("Adres van je podcastfeed", feed)));
}
