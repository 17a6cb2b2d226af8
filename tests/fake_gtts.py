"""A local stand-in for Google Translate's TTS endpoint, speaking gTTS's real wire format.

The request is gTTS's own `f.req` form post; the answer carries base64 MP3 (24 kHz mono, like
Google's) in a `jQ1olc` line. Each text gets a deterministic "voice": a vowel-like buzz whose
length grows with the text, so clip lengths differ from line to line. Every request is recorded.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from breathcast.sound import ffmpeg

RATE = 24000
SECONDS_PER_CHAR = 0.05


def speech_like(text: str) -> np.ndarray:
    """Syllable-shaped bursts of a 140 Hz buzz with a little noise, 24 kHz float."""
    n = int(RATE * max(0.4, SECONDS_PER_CHAR * len(text)))
    t = np.arange(n) / RATE
    seed = sum(text.encode()) % 2**32
    rng = np.random.default_rng(seed)
    buzz = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 8))
    syllables = 0.5 - 0.5 * np.cos(2 * np.pi * 4.0 * t)
    signal = 0.25 * syllables * (buzz + 0.2 * rng.standard_normal(n))
    pad = np.zeros(int(0.15 * RATE))  # engines pad their clips with a little silence
    return np.concatenate([pad, signal, pad]).astype(np.float32)


def mp3_bytes(pcm: np.ndarray) -> bytes:
    """24 kHz mono MP3 frames with no header frame, like Google's (ffmpeg's LAME, 32 kbps)."""
    args = [*ffmpeg.pcm_format(RATE), "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "32k"]
    pcm_bytes = np.ascontiguousarray(pcm, dtype="<f4").tobytes()
    return ffmpeg.run([*args, "-write_xing", "0", "-f", "mp3", "pipe:1"], pcm_bytes, "fake").stdout


class FakeGoogle:
    """Run with `with FakeGoogle() as fake:`; point gTTS at `fake.url`."""

    def __init__(
        self,
        status: int = 200,
        delay_s: float = 0.0,
        fail_texts: tuple[str, ...] = (),
        behaviour=None,
    ):
        self.status = status
        self.fail_texts = fail_texts  # these texts always get a 500
        # behaviour(text, nth_request_for_this_text) -> None (answer), an HTTP status,
        # ("status", code, retry_after), "drop" (close the connection) or ("sleep", seconds).
        self.behaviour = behaviour
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay_s = delay_s
        self.requests: list[str] = []  # the text of every request, in order
        self._mp3: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/_/TranslateWebserverUi/data/batchexecute"

    def audio_for(self, text: str) -> bytes:
        with self._lock:
            if text not in self._mp3:
                self._mp3[text] = mp3_bytes(speech_like(text))
            return self._mp3[text]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = urllib.parse.parse_qs(body)
                rpc = json.loads(form["f.req"][0])
                text = json.loads(rpc[0][0][1])[0]
                with fake._lock:
                    fake.requests.append(text)
                    nth = fake.requests.count(text)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    self._answer(text, nth)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _answer(self, text: str, nth: int) -> None:
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                action = fake.behaviour(text, nth) if fake.behaviour else None
                if action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if isinstance(action, tuple) and action[0] == "sleep":
                    time.sleep(action[1])
                    action = None
                if isinstance(action, int | tuple):
                    code, retry_after = (action, None) if isinstance(action, int) else action[1:]
                    self.send_response(code)
                    if retry_after is not None:
                        self.send_header("Retry-After", str(retry_after))
                    self.end_headers()
                    return
                if fake.status != 200 or text in fake.fail_texts:
                    self.send_response(500 if text in fake.fail_texts else fake.status)
                    self.end_headers()
                    return
                b64 = base64.b64encode(fake.audio_for(text)).decode()
                payload = f'[["wrb.fr","jQ1olc","[\\"{b64}\\"]",null,null,null,"generic"]]'
                answer = f")]}}'\n\n{len(payload)}\n{payload}\n".encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self) -> FakeGoogle:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
