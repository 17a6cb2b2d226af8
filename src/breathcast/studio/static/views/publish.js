// Publiceren: the download page and the podcast feed of everything built (the address is
// asked for once), and below it, putting them online.

import { $, el } from "../dom.js";
import { api } from "../api.js";
import { view } from "../router.js";
import { showOnline } from "./online.js";

async function show() {
  const { data } = await api("/api/overview");
  if (data.site_url) $("#adres").value = data.site_url;
  await showOnline();
}

$("#publiceer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("#gepubliceerd");
  out.textContent = "Bezig met publiceren…";
  out.classList.remove("fout-melding");
  try {
    const body = { site_url: $("#adres").value, allow_preview: $("#voorbeelden").checked };
    const { data } = await api("/api/publish", { method: "POST", body });
    await showOnline();
    out.replaceChildren(el("p", { text: "Gepubliceerd. Zet het hieronder online, of zet de map build/site zelf op je website." }),
      el("p", {}, el("a", { href: data.page, target: "_blank", text: "Bekijk de pagina" }), " · ",
        el("a", { href: data.feed, target: "_blank", text: "De podcastfeed" })));
  } catch (error) {
    out.textContent = error.message; // said where she pressed, not only in the banner
    out.classList.add("fout-melding");
  }
});

view("publiceren", show);
