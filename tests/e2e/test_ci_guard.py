"""Under CI a missing browser fails the browser tests; on a developer's machine it skips them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import missing

ROOT = Path(__file__).resolve().parents[2]


def test_missing_browser_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not found"):
        missing("Chromium not found")


def test_missing_browser_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but the browser tests cannot run: Chromium not found"):
        missing("Chromium not found")


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_browser_fixture_without_chromium(ci, outcome, tmp_path):
    """The real fixture, in a pytest run whose PATH holds no Chromium."""
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_needs_browser(browser):\n    pass\n")
    env = {**os.environ, "PATH": str(tmp_path), "CI": ci, "DOSSIERS_DATA_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
         "--confcutdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"), "-o", "addopts=",
         "--override-ini", "testpaths=", str(probe), "-p", "tests.e2e.conftest"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert outcome in output, output
    if ci:
        assert result.returncode != 0
        assert "CI=true but the browser tests cannot run" in output
    else:
        assert result.returncode == 0
