"""The studio page's pure helpers, with node's own test runner (tests/js/*.test.mjs)."""

import shutil
import subprocess

import pytest
from conftest import JS


def test_the_pages_helpers_pass_nodes_own_tests():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    tests = sorted(JS.glob("*.test.mjs"))
    assert tests
    result = subprocess.run(
        [node, "--test", *map(str, tests)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed = int(result.stdout.split("# pass ")[1].split()[0])
    assert passed >= 6 and "# fail 0" in result.stdout
