// The views: `#/name/argument` shows the section `data-view="name"`.

import { $ } from "./dom.js";
import { handled } from "./api.js";

const views = {};

export function view(name, show) {
  views[name] = show;
}

export function shown(name) {
  const section = $(`[data-view="${name}"]`);
  return Boolean(section && !section.hidden);
}

export async function route() {
  const [, name = "", ...rest] = location.hash.replace(/^#/, "").split("/");
  const current = name in views ? name : "overzicht";
  for (const section of document.querySelectorAll("[data-view]")) {
    section.hidden = section.dataset.view !== current;
  }
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  await views[current](...rest.map(decodeURIComponent));
  const heading = $(`[data-view="${current}"] h1`);
  if (heading && document.activeElement === document.body) heading.setAttribute("tabindex", "-1");
}

window.addEventListener("hashchange", handled(route));
