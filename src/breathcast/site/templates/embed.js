// The embeddable player on her blog: choose a length and a breath ratio, listen, and read
// along with the line being spoken. Every file it uses comes from this site; nothing else is asked for.
"use strict";

const versions = JSON.parse(document.getElementById("versies").textContent);
const player = document.getElementById("speler");
const now = document.getElementById("nu");
const download = document.getElementById("download");
const small = document.getElementById("klein");
let chosen = versions[0];

function show(version) {
  chosen = version;
  player.src = version.audio;
  download.href = version.audio;
  download.textContent = `Download (MP3, ${version.size_mb} MB)`;
  if (small) {
    small.hidden = !version.opus;
    small.href = version.opus;
    small.textContent = `Kleiner bestand (${version.opus_mb} MB)`;
  }
  now.textContent = "";
}

function follow() {
  const time = player.currentTime;
  let line = "";
  for (const [start, end, text] of chosen.cues) {
    if (start <= time + 0.05 && time < end + 1.0) line = text;
  }
  if (now.textContent !== line) now.textContent = line;
}

const selects = [...document.querySelectorAll("select[data-choice]")];
const fits = (version, select) => version[select.dataset.choice] === select.value;
for (const select of selects) {
  select.addEventListener("change", () => {
    // Both choices if that version exists, else the first version with the one just made.
    const match =
      versions.find((v) => selects.every((s) => fits(v, s))) || versions.find((v) => fits(v, select));
    for (const other of selects) other.value = match[other.dataset.choice];
    show(match);
  });
}
player.addEventListener("timeupdate", follow);
player.addEventListener("seeked", follow);
