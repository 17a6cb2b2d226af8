"""The benchmarks stay runnable (`python bench/run.py`): they call the library as it is today.
Timings are the benchmarks' business, never a test's: here each runs on a toy size."""

import importlib
import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

MODULES = ["run", "align", "budget", "deploy", "encoders", "loop", "naive", "studio", "tts"]


@pytest.mark.parametrize("name", MODULES)
def test_every_benchmark_imports_and_has_a_main(name):
    assert callable(importlib.import_module(name).main)


@pytest.mark.slow
def test_the_synthesis_benchmark_runs(monkeypatch, capsys):
    tts = importlib.import_module("tts")
    monkeypatch.setattr(tts, "LINES", 3)
    monkeypatch.setattr(tts, "DELAY_S", 0.05)
    tts.main()
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "3 uncached lines, 50 ms per request:"
    serial = float(table[3].split("|")[2].strip().removesuffix(" s"))
    assert serial >= 3 * 0.05  # three requests, one after another
