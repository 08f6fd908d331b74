"""docs/trace.md shows what the commands print: its example scenario is run with ``--trace``,
and every ``<!-- output of: qfab ... -->`` and ``<!-- first lines of: FILE N -->`` block is
compared with the real output. ``QFAB_REGENERATE_DOCS=1 pytest THIS_FILE`` rewrites them."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

import pytest

from qfab import __version__
from qfab.cli import main

DOC = Path(__file__).resolve().parents[3] / "docs" / "trace.md"

_SCENARIO = re.compile(r"<!-- scenario of the output below[^\n]*-->\n```yaml\n(.*?)```\n", re.S)
_BLOCK = re.compile(r"<!-- (?P<what>output of|first lines of): (?P<command>[^\n]*?) -->\n"
                    r"```\n(?P<output>.*?)```\n", re.S)


def _printed(command: str) -> str:
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        assert main(shlex.split(command)[1:]) == 0, command
    return stream.getvalue()


def _first_lines(spec: str) -> str:
    name, count = spec.split()
    return "".join(Path(name).read_text(encoding="utf-8").splitlines(True)[:int(count)])


def _comparable(text: str) -> list[str]:
    return [line.rstrip().replace(f'"qfab":"{__version__}"', '"qfab":"<version>"')
            for line in text.strip().splitlines()]


def test_the_trace_page_shows_real_output(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    text = DOC.read_text(encoding="utf-8")
    scenario = _SCENARIO.search(text)
    assert scenario is not None, "docs/trace.md has its example scenario"
    monkeypatch.chdir(tmp_path)
    Path("scenario.yaml").write_text(scenario[1], encoding="utf-8")
    _printed("qfab run scenario.yaml --trace trace.jsonl")
    blocks = list(_BLOCK.finditer(text))
    assert len(blocks) == 2
    for block in reversed(blocks):  # from the end, so that rewriting keeps earlier offsets
        printed = (_printed(block["command"]) if block["what"] == "output of"
                   else _first_lines(block["command"]))
        if os.environ.get("QFAB_REGENERATE_DOCS"):
            text = text[:block.start("output")] + printed + text[block.end("output"):]
            continue
        assert _comparable(block["output"]) == _comparable(printed), (
            f"docs/trace.md shows outdated output of {block['command']!r}; regenerate it "
            f"with QFAB_REGENERATE_DOCS=1 pytest {Path(__file__).name}")
    if os.environ.get("QFAB_REGENERATE_DOCS"):
        DOC.write_text(text, encoding="utf-8")
