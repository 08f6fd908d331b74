"""Shared fixtures: small scenario documents as plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def two_node(link: dict[str, Any], *, pairs: int | None = None, **top: Any) -> dict[str, Any]:
    """A two-node scenario document around ``link`` (alice - bob)."""
    document: dict[str, Any] = {
        "qfab": 1, "name": "test", "seed": 1,
        "nodes": {"alice": {}, "bob": {}},
        "links": [{"between": ["alice", "bob"], **link}],
    }
    if pairs is not None:
        document["requests"] = [{"kind": "entanglement", "between": ["alice", "bob"],
                                 "pairs": pairs}]
    document.update(top)
    return document


@pytest.fixture
def depolarizing_document() -> dict[str, Any]:
    """A valid depolarizing-link scenario with one request."""
    return two_node({"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.1,
                     "cycle_time": "1 ms"}, pairs=100)


@pytest.fixture
def single_click_document() -> dict[str, Any]:
    """A valid single-click scenario with detector and fiber sections."""
    return two_node({"kind": "single_click", "length": "25 km", "bright_state": 0.05,
                     "fiber": {"attenuation": "0.2 dB/km"},
                     "detector": {"efficiency": 0.9, "dark_count_rate": "10 Hz"}}, pairs=100)
