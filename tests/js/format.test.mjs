// The studio page's pure helpers (src/breathcast/studio/static/format.js), with node's own
// test runner: `node --test tests/js/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  builtWhen, clock, count, currentLine, lineAt, lineRange, readingSummary, takesSummary, versionsSummary, wordFor,
} from "../../src/breathcast/studio/static/format.js";

test("clock cuts to the whole second, as players show it", () => {
  assert.equal(clock(0), "0:00");
  assert.equal(clock(446.999), "7:26");
  assert.equal(clock(59.9999999), "1:00");
  assert.equal(clock(3725), "1:02:05");
});

test("a code gets its Dutch words from the vocabulary, or stays itself", () => {
  const words = { script_status: { ready: "Klaar" } };
  assert.equal(wordFor(words, "script_status", "ready"), "Klaar");
  assert.equal(wordFor(words, "script_status", "new_code"), "new_code");
  assert.equal(wordFor(words, "engine", "gtts"), "gtts");
});

test("counts and never-built episodes read as Dutch", () => {
  assert.equal(count(1, "aflevering", "afleveringen"), "1 aflevering");
  assert.equal(count(3, "aflevering", "afleveringen"), "3 afleveringen");
  assert.equal(builtWhen(null), "nog niet gebouwd");
  assert.match(builtWhen("2026-11-30T12:01:00+00:00", "nl-NL"), /^gebouwd 30 nov/);
});

test("her own voice, summed up", () => {
  assert.equal(takesSummary(0, 0, 0), "");
  assert.equal(takesSummary(1, 3, 0), "Eigen stem: 1 van de 3 zinnen opgenomen");
  assert.equal(takesSummary(12, 40, 2), "Eigen stem: 12 van de 40 zinnen opgenomen, 2 om na te luisteren");
  const lines = [
    { line: 7, sure: true, start_s: 1.2, repeated_at_s: null },
    { line: 8, sure: false, start_s: 192.4, repeated_at_s: 185.0 },
  ];
  assert.equal(readingSummary(lines),
    "1 van de 2 zinnen gevonden. Luister even na: regel 8 (3:12). " +
    "Twee keer gelezen, de laatste keer is bewaard: regel 8.");
});

test("lines of the text: where the cursor is, and where a line is", () => {
  const text = "---\ntitle: T\n---\nHallo.\n";
  assert.equal(lineAt(text, 0), 1);
  assert.equal(lineAt(text, text.indexOf("Hallo")), 4);
  assert.deepEqual(lineRange(text, 4), [text.indexOf("Hallo"), text.indexOf("Hallo") + 6]);
  assert.deepEqual(lineRange(text, 99), [text.length, text.length]); // past the end: the end
});

test("the line being heard is the last one that has started", () => {
  const lines = [{ start: 1.5 }, { start: 4.0 }, { start: 9.2 }];
  assert.equal(currentLine(lines, 0.2), -1);
  assert.equal(currentLine(lines, 1.46), 0); // 50 ms early is on time
  assert.equal(currentLine(lines, 8.0), 1);
  assert.equal(currentLine(lines, 60), 2);
});

test("an exercise's versions, summed up in one line", () => {
  const never = { built: false, up_to_date: false };
  const ready = { built: true, up_to_date: true };
  const stale = { built: true, up_to_date: false };
  assert.equal(versionsSummary([]), "");
  assert.equal(versionsSummary(Array(9).fill(never)), "9 versies, nog niet gebouwd");
  assert.equal(versionsSummary([never]), "1 versie, nog niet gebouwd");
  assert.equal(versionsSummary([...Array(6).fill(ready), ...Array(3).fill(never)]), "6 van 9 versies klaar");
  assert.equal(versionsSummary([ready, stale, never]), "1 van 3 versies klaar, 1 moet opnieuw");
  assert.equal(versionsSummary([stale, stale]), "0 van 2 versies klaar, 2 moeten opnieuw");
  assert.equal(versionsSummary([ready, ready]), "alle 2 versies klaar");
  assert.equal(versionsSummary([ready]), "1 versie, klaar");
});
