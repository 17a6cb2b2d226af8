// Publiceren: the download page and the podcast feed of everything built (the address is
// asked for once), and below it, putting them online.

import { $, el } from "../dom.js";
import { api } from "../api.js";
import { view } from "../router.js";
import { showOnline } from "./online.js";

async function show() {
  const { data } = await api("/api/settings");
  // Never over what she typed while the settings were on their way.
  if (data.values.site_url && !$("#adres").value) $("#adres").value = data.values.site_url;
  if (data.values.owner_email && !$("#eigenaar").value) $("#eigenaar").value = data.values.owner_email;
  $("#eigenaar-veld").hidden = Boolean(data.values.owner_email); // asked where it is needed
  await showOnline();
}

// What publishing still needs, marked at its field: the address, her e-mail, the tick box.
const NEEDED = { site_url: "#adres", owner_email: "#eigenaar", previews: "#voorbeelden" };

function markNeeds(needs) {
  for (const [need, selector] of Object.entries(NEEDED)) {
    const field = $(selector);
    field.classList.toggle("gemarkeerd", needs.includes(need));
    if (needs.includes(need)) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  }
  if (needs.includes("owner_email")) $("#eigenaar-veld").hidden = false;
  const first = Object.keys(NEEDED).find((need) => needs.includes(need));
  if (first) $(NEEDED[first]).focus();
}

$("#publiceer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("#gepubliceerd");
  out.textContent = "Bezig met publiceren…";
  out.classList.remove("fout-melding");
  try {
    const body = {
      site_url: $("#adres").value, owner_email: $("#eigenaar").value,
      allow_preview: $("#voorbeelden").checked,
    };
    const { data } = await api("/api/publish", { method: "POST", body });
    markNeeds([]);
    $("#eigenaar-veld").hidden = true;
    await showOnline();
    out.replaceChildren(el("p", { text: "Gepubliceerd. Zet het hieronder online." }),
      el("p", {}, el("a", { href: data.page, target: "_blank", text: "Bekijk de pagina" }), " · ",
        el("a", { href: data.feed, target: "_blank", text: "De podcastfeed" })));
  } catch (error) {
    const found = error.data || {};
    const needs = [...(found.needs || []), ...Object.keys(found.fields || {})];
    out.replaceChildren(...error.message.split("\n").map((line) => el("p", { text: line })));
    out.classList.add("fout-melding"); // said where she pressed, not only in the banner
    markNeeds(needs);
  }
});

view("publiceren", show);
