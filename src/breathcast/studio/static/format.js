// Pure helpers: numbers and states into the words the page shows. No DOM, so `node --test`
// checks them (tests/js/format.test.mjs).

// m:ss (or h:mm:ss), cut to the whole second as players show it.
export function clock(seconds) {
  const whole = Math.floor(seconds + 1e-6);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

// "gebouwd 3 dec. 14:05", or that it was never built.
export function builtWhen(iso, locale = "nl-NL") {
  if (!iso) return "nog niet gebouwd";
  const date = new Date(iso);
  return "gebouwd " + date.toLocaleString(locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

// The Dutch words for a code, from the vocabulary the studio sent; the code itself if unknown.
export function wordFor(vocabulary, kind, code) {
  return (vocabulary[kind] && vocabulary[kind][code]) || code;
}

// "1 aflevering" / "3 afleveringen".
export function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

// How far an exercise's versions are, in one line: "4 versies, nog niet gebouwd", "4 van 6
// versies klaar, 1 moet opnieuw", "alle 6 versies klaar".
export function versionsSummary(episodes) {
  const total = episodes.length;
  if (!total) return "";
  const versions = count(total, "versie", "versies");
  if (!episodes.some((e) => e.built)) return `${versions}, nog niet gebouwd`;
  const ready = episodes.filter((e) => e.built && e.up_to_date).length;
  const again = episodes.filter((e) => e.built && !e.up_to_date).length;
  const said = ready === total ? (total === 1 ? "1 versie, klaar" : `alle ${versions} klaar`)
    : `${ready} van ${versions} klaar`;
  return again ? `${said}, ${again} ${again === 1 ? "moet" : "moeten"} opnieuw` : said;
}

// How far her own voice is: "Eigen stem: 1 van de 3 zinnen opgenomen, 2 om na te luisteren".
export function takesSummary(recorded, total, toCheck) {
  if (!total) return "";
  const parts = [`Eigen stem: ${recorded} van de ${total} zinnen opgenomen`];
  if (toCheck) parts.push(`${toCheck} om na te luisteren`);
  return parts.join(", ");
}

// What a whole reading gave: found, to listen to again, read twice.
export function readingSummary(lines) {
  const unsure = lines.filter((l) => !l.sure);
  const again = lines.filter((l) => l.repeated_at_s !== null);
  return [
    `${lines.length - unsure.length} van de ${lines.length} zinnen gevonden.`,
    unsure.length ? `Luister even na: ${unsure.map((l) => `regel ${l.line} (${clock(l.start_s)})`).join(", ")}.` : "",
    again.length ? `Twee keer gelezen, de laatste keer is bewaard: ${again.map((l) => `regel ${l.line}`).join(", ")}.` : "",
  ].filter(Boolean).join(" ");
}

// The line of the text that the cursor (a character offset) is on, from 1.
export function lineAt(text, offset) {
  return text.slice(0, offset).split("\n").length;
}

// The character range [start, end) of line `line` (from 1) of the text.
export function lineRange(text, line) {
  const lines = text.split("\n");
  const start = Math.min(text.length, lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0));
  return [start, start + (lines[line - 1] || "").length];
}

// The index of the last line whose start is at or before `time` (-1: none yet).
export function currentLine(lines, time) {
  let found = -1;
  lines.forEach((line, i) => { if (line.start <= time + 0.05) found = i; });
  return found;
}
