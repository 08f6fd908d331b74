"""The README's example output is what the commands print.

Every code block preceded by ``<!-- output of: qfab ARGS ... -->`` is compared with the output
of ``qfab ARGS`` run from the repository root. Wall-clock times (``0.0144 s wall``) are the
only figures that depend on the machine; every other line is fixed by the scenario and its
seed and must match exactly. ``QFAB_REGENERATE_README=1 pytest tests/unit/test_readme_output.py``
writes the current output into the README instead.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

import pytest

from qfab.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

#: A marker comment (its first line names the command) and the code block after it.
_SNIPPET = re.compile(r"<!-- output of: (?P<command>qfab [^\n]*?)\s*(?:\n[^\n]*?)*?-->\n"
                      r"```\n(?P<output>.*?)```\n", re.S)
_WALL = re.compile(r"\d+(?:\.\d+)? s wall")


def _snippets(text: str) -> list[re.Match[str]]:
    return list(_SNIPPET.finditer(text))


def _output(command: str) -> str:
    """What ``command`` (``qfab ...``) prints, run from the repository root."""
    args = shlex.split(command)[1:]
    stream = io.StringIO()
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(stream):
            assert main(args) == 0, command
    finally:
        os.chdir(cwd)
    return stream.getvalue()


def _machine_independent(text: str) -> list[str]:
    return [_WALL.sub("<wall> s wall", line.rstrip()) for line in text.strip().splitlines()]


def test_the_readme_shows_generated_output() -> None:
    assert _snippets(README.read_text(encoding="utf-8")), "README has an 'output of:' block"


@pytest.mark.parametrize("index", range(len(_snippets(README.read_text(encoding="utf-8")))))
def test_readme_output_is_what_the_command_prints(index: int) -> None:
    text = README.read_text(encoding="utf-8")
    snippet = _snippets(text)[index]
    printed = _output(snippet["command"])
    if os.environ.get("QFAB_REGENERATE_README"):
        start, end = snippet.span("output")
        README.write_text(text[:start] + printed + text[end:], encoding="utf-8")
        return
    assert _machine_independent(snippet["output"]) == _machine_independent(printed), (
        f"README.md shows outdated output of {snippet['command']!r}; regenerate it with "
        f"QFAB_REGENERATE_README=1 pytest {Path(__file__).relative_to(ROOT)}")


def test_only_wall_times_are_masked() -> None:
    line = "16.6876 s simulated, 0.0144 s wall, 2,001 events"
    assert _machine_independent(line) == ["16.6876 s simulated, <wall> s wall, 2,001 events"]
