"""Every reference-case id that the code and the tests cite resolves in docs/references.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: A case id: an upper-case word, more words or numbers joined by '-', a two-digit number.
CASE_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[0-9]{2}\b")


def _cited() -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for folder in ("src", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for case in CASE_ID.findall(path.read_text(encoding="utf-8")):
                cited.setdefault(case, set()).add(str(path.relative_to(ROOT)))
    return cited


def _documented() -> set[str]:
    text = (ROOT / "docs" / "references.md").read_text(encoding="utf-8")
    return set(re.findall(r"^### (\S+)\s*$", text, flags=re.MULTILINE))


def test_every_cited_case_has_a_section() -> None:
    cited = _cited()
    missing = {case: sorted(paths) for case, paths in cited.items()
               if case not in _documented()}
    assert not missing, f"cited but not in docs/references.md: {missing}"


def test_the_scan_finds_the_cases_the_validation_tests_cite() -> None:
    """Guards against a pattern that matches nothing (the first test would pass vacuously)."""
    assert {"SWAP-WERNER-01", "WAIT-2SEG-01", "BOUND-PLOB-01"} <= set(_cited())


def test_every_section_gives_a_source_or_a_paper_value() -> None:
    text = (ROOT / "docs" / "references.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    for section in sections:
        case = section.split()[0]
        assert "Source" in section or "[paper]" in section, case
