// Keeps the page, and every exercise the listener chose to keep, on the device, so both open
// and play without internet. The page is fetched fresh when the network answers.
"use strict";

const SHELL = "breathcast-page-{{ version }}";
const AUDIO = "breathcast-audio";
const PAGE = ["./", "index.html", "site.js", "{{ cover }}"
{%- for image in images %}, "{{ image }}"{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PAGE)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(
        keys.filter((key) => key.startsWith("breathcast-page-") && key !== SHELL)
          .map((key) => caches.delete(key)),
      ),
    ).then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== location.origin || event.request.method !== "GET") return;
  if (/\.(mp3|opus)$/.test(url.pathname)) {
    event.respondWith(audio(event.request));
  } else {
    event.respondWith(page(event.request));
  }
});

// The page: fresh from the network, the kept copy when there is none.
async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(SHELL);
      cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { ignoreSearch: true });
    return kept || (await caches.match("index.html")) || Response.error();
  }
}

// An exercise kept on the device, in the byte ranges a player asks for.
async function audio(request) {
  const cache = await caches.open(AUDIO);
  const kept = await cache.match(request.url);
  if (!kept) return fetch(request);
  const range = request.headers.get("Range");
  if (!range) return kept;
  const body = await kept.blob();
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match) return kept;
  let start = match[1] ? parseInt(match[1], 10) : body.size - parseInt(match[2], 10);
  let end = match[1] && match[2] ? parseInt(match[2], 10) : body.size - 1;
  start = Math.max(0, start);
  end = Math.min(end, body.size - 1);
  if (start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${body.size}` } });
  }
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": kept.headers.get("Content-Type") || "audio/mpeg",
      "Content-Range": `bytes ${start}-${end}/${body.size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}
