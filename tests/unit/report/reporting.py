"""Helpers for the report tests: run an example, read the tables of a report page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from qfab.engines import run
from qfab.engines.result import RunResult
from qfab.loading import load_scenario
from qfab.spec.models import ScenarioSpec

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def run_example(name: str, engine: str) -> tuple[ScenarioSpec, RunResult]:
    """An example scenario and its result on ``engine``."""
    spec = load_scenario(EXAMPLES / f"{name}.yaml")
    return spec, run(spec, engine=engine)


class _Tables(HTMLParser):
    """Collects every table's class and rows of cell texts, and every ``<img src>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.images: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self.tables.append((attributes.get("class") or "", []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(attributes.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(page: str) -> tuple[list[tuple[str, list[list[str]]]], list[str]]:
    """The tables of ``page`` (class, rows with the header first) and its image sources."""
    parser = _Tables()
    parser.feed(page)
    return parser.tables, parser.images


def table(page: str, name: str) -> list[list[str]]:
    """The rows (header first) of the only table of class ``name``."""
    found = [rows for cls, rows in page_tables(page)[0] if cls == name]
    assert len(found) == 1, f"{len(found)} tables of class {name!r}"
    return found[0]
