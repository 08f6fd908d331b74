"""AFC recall efficiency (Afzelius et al., PRA 79, 052329 (2009)) against its derived figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.physics.afc import (
    MAX_FORWARD_EFFICIENCY,
    backward_efficiency,
    echo_time,
    forward_efficiency,
)


def test_the_published_figures_are_reproduced() -> None:
    """d = 20, F = 10: forward 0.504743, backward 0.697100; d = 40: backward 0.898552."""
    assert float(forward_efficiency(20, 10)) == pytest.approx(0.504743, abs=5e-7)
    assert float(backward_efficiency(20, 10)) == pytest.approx(0.697100, abs=5e-7)
    assert float(backward_efficiency(40, 10)) == pytest.approx(0.898552, abs=5e-7)
    assert float(echo_time(1e6)) == 1e-6


def test_forward_recall_peaks_at_four_over_e_squared_at_effective_depth_two() -> None:
    finesse = 1e6  # teeth so narrow that they do not dephase the echo
    depths = np.linspace(0.0, 10.0, 100_001) * finesse
    efficiency = forward_efficiency(depths, finesse)
    best = int(np.argmax(efficiency))
    assert depths[best] / finesse == pytest.approx(2.0, abs=1e-4)
    assert float(efficiency[best]) == pytest.approx(MAX_FORWARD_EFFICIENCY, rel=1e-9)
    assert MAX_FORWARD_EFFICIENCY == pytest.approx(0.541341, abs=5e-7)


def test_backward_recall_tends_to_one_and_beats_forward_recall() -> None:
    depths = np.array([1.0, 10.0, 40.0, 400.0])
    assert np.all(backward_efficiency(depths, 10) > forward_efficiency(depths, 10))
    assert float(backward_efficiency(1e5, 1e3)) == pytest.approx(1.0, abs=1e-5)


def test_background_absorption_and_finesse_cost_what_the_formula_says() -> None:
    base = float(backward_efficiency(20, 10))
    assert float(backward_efficiency(20, 10, background_depth=0.1)) == \
        pytest.approx(base * math.exp(-0.1), rel=1e-12)
    # same effective depth, lower finesse: only the dephasing factor exp(-7/F^2) changes
    ratio = float(forward_efficiency(8, 4)) / float(forward_efficiency(20, 10))
    assert ratio == pytest.approx(math.exp(-7 / 16 + 7 / 100), rel=1e-12)


@pytest.mark.parametrize(("call", "name"), [
    (lambda: forward_efficiency(-1, 10), "optical_depth"),
    (lambda: backward_efficiency(1, 0), "finesse"),
    (lambda: echo_time(0), "comb_spacing"),
])
def test_out_of_range_inputs_name_the_argument(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]
