// The listener page: one player per exercise with a choice of length and ratio (each choice
// its own link), follow along in the text, jump to a line or a chapter, see the chapter on
// the lock screen, and keep an exercise on the phone to play without internet. Without
// JavaScript every version is simply listed.
"use strict";

const AUDIO_CACHE = "breathcast-audio";
const podcast = document.body.dataset.podcast;
const author = document.body.dataset.author;

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("sw.js").catch(() => {});
}

function seconds(element) {
  return parseFloat(element.dataset.start);
}

// The last element of `items` whose start is at or before `time`.
function current(items, time) {
  let found = null;
  for (const item of items) {
    if (seconds(item) <= time + 0.05) found = item;
    else break;
  }
  return found;
}

function mark(items, chosen) {
  for (const item of items) {
    if (item === chosen) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
}

function setUpVersion(version) {
  const audio = version.querySelector("audio");
  const lines = [...version.querySelectorAll(".tekst li")];
  const chapters = [...version.querySelectorAll(".hoofdstukken li")];
  const artwork = new URL(version.dataset.artwork, location.href).href;
  let spoken = null;
  let chapter = null;

  function showOnLockScreen() {
    if (!("mediaSession" in navigator)) return;
    const title = chapter ? chapter.textContent.trim().replace(/^\d+:\d\d\s*/, "") : version.dataset.exercise;
    navigator.mediaSession.metadata = new MediaMetadata({
      title: title,
      artist: `${version.dataset.exercise} · adem ${version.dataset.words}`,
      album: `${podcast} · ${author}`,
      artwork: [{ src: artwork, sizes: "1400x1400", type: "image/png" }],
    });
  }

  function follow() {
    const line = current(lines, audio.currentTime);
    if (line !== spoken) {
      spoken = line;
      mark(lines, line);
      if (line && line.closest("details").open && !audio.paused) {
        line.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }
    const now = current(chapters, audio.currentTime);
    if (now !== chapter) {
      chapter = now;
      mark(chapters, now);
      showOnLockScreen();
    }
  }

  function jump(to) {
    audio.currentTime = to;
    follow();
    audio.play().catch(() => {});
  }

  version.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-seek]");
    if (button) jump(parseFloat(button.dataset.seek));
  });
  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("seeked", follow);
  audio.addEventListener("play", () => {
    for (const other of document.querySelectorAll("audio")) {
      if (other !== audio) other.pause();
    }
    chapter = undefined; // redraw the lock screen for this version
    follow();
    if ("mediaSession" in navigator) {
      const chapterAt = (step) => {
        const index = chapters.indexOf(current(chapters, audio.currentTime));
        const next = chapters[Math.max(0, index + step)];
        if (next) jump(seconds(next));
      };
      const handlers = {
        play: () => audio.play(),
        pause: () => audio.pause(),
        seekbackward: () => jump(Math.max(0, audio.currentTime - 10)),
        seekforward: () => jump(audio.currentTime + 10),
        previoustrack: () => chapterAt(-1),
        nexttrack: () => chapterAt(1),
        seekto: (details) => jump(details.seekTime),
      };
      for (const [action, handler] of Object.entries(handlers)) {
        try {
          navigator.mediaSession.setActionHandler(action, handler);
        } catch (error) {
          // an action this browser does not know: the others still work
        }
      }
    }
  });

  setUpOffline(version);
}

async function setUpOffline(version) {
  const button = version.querySelector("button.bewaar");
  const status = version.querySelector(".status");
  if (!("caches" in window) || !("serviceWorker" in navigator)) {
    button.hidden = true;
    return;
  }
  const url = new URL(button.dataset.audio, location.href).href;
  const audio = version.querySelector("audio");
  const cache = await caches.open(AUDIO_CACHE);
  const notKept = async () => {
    if (!(await cache.match(url))) {
      status.textContent = "Zonder internet speelt alleen wat je hebt bewaard. Deze versie nog niet.";
    }
  };
  audio.addEventListener("error", notKept);
  if (audio.error) notKept(); // it failed while the cache was still opening
  const show = (kept) => {
    button.setAttribute("aria-pressed", String(kept));
    button.textContent = kept ? "Bewaard op dit apparaat" : "Bewaar offline";
  };
  show(Boolean(await cache.match(url)));
  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-pressed") === "true") {
      await cache.delete(url);
      show(false);
      status.textContent = "Niet meer bewaard. Online kun je hem altijd weer beluisteren.";
      return;
    }
    button.disabled = true;
    status.textContent = "Even geduld, de oefening wordt bewaard…";
    try {
      await cache.add(url);
      await navigator.serviceWorker.ready; // so the page itself also opens without internet
      show(true);
      status.textContent = "Bewaard. Deze oefening speelt nu ook zonder internet.";
    } catch (error) {
      status.textContent = "Bewaren lukte niet. Is er genoeg ruimte op je telefoon?";
    } finally {
      button.disabled = false;
    }
  });
}

// Show the one version the choices point at; the others wait hidden (and silent).
function setUpChoices(exercise) {
  const choices = exercise.querySelector(".keuzes");
  const versions = [...exercise.querySelectorAll("article.versie")];
  if (!choices) return;
  const inputs = [...choices.querySelectorAll("input[data-choice]")];
  const chosen = (name) => inputs.find((i) => i.dataset.choice === name && i.checked)?.value;

  function show(version, remember) {
    for (const other of versions) {
      if (other !== version) other.querySelector("audio").pause();
      other.hidden = other !== version;
    }
    version.querySelector("audio").preload = "metadata";
    for (const input of inputs) input.checked = version.dataset[input.dataset.choice] === input.value;
    if (remember) history.replaceState(null, "", `#${version.id}`);
  }

  function fits(version, name) {
    const value = chosen(name);
    return value === undefined || version.dataset[name] === value;
  }

  choices.addEventListener("change", (event) => {
    const changed = event.target.dataset.choice;
    // Keep what was just chosen; if that length has no version at the other choice, take
    // the first version that has it.
    const match =
      versions.find((v) => fits(v, "length") && fits(v, "ratio")) ||
      versions.find((v) => fits(v, changed));
    if (match) show(match, true);
  });

  function fromAddress() {
    const target = versions.find((v) => `#${v.id}` === location.hash);
    show(target || versions.find((v) => !v.hidden && fits(v, "length") && fits(v, "ratio")) || versions[0], false);
    if (target) target.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
  choices.hidden = false;
}

for (const version of document.querySelectorAll("article.versie")) {
  setUpVersion(version);
}
for (const exercise of document.querySelectorAll("section.oefening")) {
  setUpChoices(exercise);
}
