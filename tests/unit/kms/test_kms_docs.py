"""The example of docs/kms.md runs and prints what the page shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "kms.md"


def test_the_documented_example_runs_and_prints_the_documented_relay() -> None:
    text = DOC.read_text(encoding="utf-8")
    code, shown = re.findall(r"## Example\n\n```python\n(.*?)```\n\n```\n(.*?)```", text,
                             re.S)[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(DOC), "exec"), {})
    assert out.getvalue().splitlines()[0] == shown.strip()
    assert "'stored_key_count': 39" in out.getvalue()
