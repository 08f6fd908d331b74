"""Small sweep documents: a depolarizing link whose runs take milliseconds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios import two_node


@pytest.fixture
def link_document() -> dict[str, Any]:
    """A depolarizing link, 20 pairs, swept over two success probabilities and two fidelities."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.1,
                         "cycle_time": "1 ms"}, pairs=20)
    document["sweep"] = {"mode": "grid", "seeds": 2, "parameters": {
        "links[0].success_probability": {"values": [0.1, 0.3]},
        "links[0].fidelity": {"values": [0.9, 0.99]},
    }}
    return document
