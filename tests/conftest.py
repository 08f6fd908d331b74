"""Shared fixtures: small scenario documents as plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.scenarios import two_node

# Shared machines are noisy: property tests are judged on their properties, never on time.
settings.register_profile("qfab", deadline=None)
settings.load_profile("qfab")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


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
