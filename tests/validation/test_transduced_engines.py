"""Transduced links on every engine: the event simulation and the fast engine against the
analytic engine's closed forms (docs/qnic.md, "Transduced links").

A single link's request rate is n / T_n with T_n a sum of n geometric waiting times, so its
relative standard error is sqrt((1 - p) / n); tolerances are five of those. Pairs consumed
at the herald have a deterministic fidelity, equal to rounding.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from qfab.engines import run
from qfab.loading import load_scenario, parse_scenario
from tests.conftest import EXAMPLES
from tests.scenarios import two_node


def _agree(spec: Any, seed: int = 4) -> None:
    results = {engine: run(spec, engine=engine, seed=seed)
               for engine in ("analytic", "fast", "des")}
    expected = results["analytic"].requests[0]
    p = results["analytic"].links[0].p_success
    assert expected.rate_hz is not None and p is not None and 0 < p < 1
    for engine in ("fast", "des"):
        request = results[engine].requests[0]
        assert request.delivered == expected.delivered == expected.requested
        assert request.rate_hz is not None
        tolerance = 5 * expected.rate_hz * math.sqrt((1 - p) / request.delivered)
        assert request.rate_hz == pytest.approx(expected.rate_hz, abs=tolerance), engine
        assert request.fidelity == pytest.approx(expected.fidelity, abs=1e-9), engine


@pytest.mark.parametrize("path", [EXAMPLES / "transduced_link.yaml",
                                  EXAMPLES / "ion_to_transmon.yaml"], ids=lambda p: p.stem)
def test_the_transduced_examples_agree_on_every_engine(path: Path) -> None:
    _agree(load_scenario(path))


def test_single_click_transduced_link_agrees_on_every_engine() -> None:
    document = two_node({"kind": "transduced", "length": "4 km", "cycle_time": "2 us",
                         "fiber": {"attenuation": "0.2 dB/km"},
                         "transducer": {"efficiency": 0.2, "added_noise": 0.05},
                         "heralding": "single_click", "bright_state": 0.1,
                         "detector": {"efficiency": 0.9, "dark_count_rate": "100 Hz"}},
                        pairs=400, duration="100 s")
    _agree(parse_scenario(document))
