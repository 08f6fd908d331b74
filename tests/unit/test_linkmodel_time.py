"""Link models as functions of time: windows, probabilities and rates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qfab.linkmodel import link_model
from qfab.loading import parse_scenario
from tests.scenarios import two_node


def _model(availability: dict[str, Any] | None, cycle_time: str = "1 ms") -> Any:
    link: dict[str, Any] = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                            "cycle_time": cycle_time}
    if availability is not None:
        link["availability"] = availability
    return link_model(parse_scenario(two_node(link)), 0)


def test_always_up_link_keeps_its_constant_numbers() -> None:
    model = _model(None)
    assert model.windows is None
    assert model.is_up(123.4) and model.next_up(5.0) == 5.0
    assert model.p_success_at(1e6) == 0.1
    assert model.pair_rate == pytest.approx(0.1 / 1e-3)
    assert next(model.up_windows(2.0)) == (2.0, float("inf"))


def test_up_for_the_whole_period_is_always_up() -> None:
    assert _model({"period": "60 s", "up": "60 s"}).windows is None


def test_probability_is_zero_while_down_and_the_rate_follows_the_duty_cycle() -> None:
    model = _model({"period": "60 s", "up": "10 s", "offset": "5 s"}, cycle_time="3 s")
    assert model.p_success_at(4.9) == 0.0 and model.p_success_at(5.0) == 0.1
    assert model.p_success_at(14.9) == 0.1 and model.p_success_at(15.0) == 0.0
    assert model.next_up(20.0) == 65.0
    windows = model.up_windows(20.0)
    assert [next(windows) for _ in range(2)] == [(65.0, 75.0), (125.0, 135.0)]
    # attempts at 0, 3, 6, 9 s of each window: 4 per minute
    assert model.pair_rate == pytest.approx(0.1 * 4 / 60)
    np.testing.assert_array_equal(model.emitted_state_at(70.0), model.emitted_state)
    assert model.availability_path == "links[0].availability"
