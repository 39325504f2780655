"""``docs/security.md`` names the test that proves each property: every test and file it names must exist,
so a renamed or removed test cannot leave the page pointing at nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def _test_sources() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py"))


def test_every_test_the_page_names_exists():
    names = set(re.findall(r"`(?:[\w/.]+\.py)?(?:::)?(?:\w+::)?(test_\w+|Test\w+)", DOC))
    assert len(names) > 100
    sources = _test_sources()
    missing = sorted(name for name in names if not re.search(rf"(?:def|class) {name}\b", sources))
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_every_file_the_page_names_exists():
    files = set(re.findall(r"`((?:tests|dossiers|config|councils|workflows|docs)/[\w/.-]+\.(?:py|md))", DOC))
    assert len(files) > 20
    missing = sorted(name for name in files if not (ROOT / name).exists())
    assert not missing, f"docs/security.md names files that do not exist: {missing}"


def test_the_index_covers_every_property_of_the_issue():
    index = DOC.split("### Index", 1)[1].split("\n## ", 1)[0]
    for words in ("URL resolver", "leaks", "ballots", "20 parallel", "50 parallel", "Schemathesis", "Uploads",
                  "Excel", "Text", "SIGKILL", "Backup", "verify_audit", "check --deploy", "unsafe-inline",
                  "Argon2", "lockout", "idle timeout", "rate limits"):
        assert words in index, f"the index of docs/security.md does not mention {words!r}"
