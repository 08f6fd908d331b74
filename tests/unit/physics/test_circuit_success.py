"""The estimated success probability of a distributed circuit (Nishio et al. 2020, Eq. 1,
with one factor F per e-bit)."""

from __future__ import annotations

import pytest

from qfab.physics.circuit_success import estimated_success_probability
from qfab.physics.teleported_gates import teleported_gate_process_fidelity


def test_product_of_fidelities() -> None:
    value = estimated_success_probability(0.97, 5, single_qubit_gates=10,
                                          single_qubit_fidelity=0.999, two_qubit_gates=4,
                                          two_qubit_fidelity=0.99, measurements=3,
                                          measurement_fidelity=0.98)
    assert value == pytest.approx(0.97**5 * 0.999**10 * 0.99**4 * 0.98**3, rel=1e-12)


def test_one_ebit_is_one_teleported_gate() -> None:
    assert estimated_success_probability(0.9, 1) == pytest.approx(
        float(teleported_gate_process_fidelity(0.9)), rel=1e-12)
    assert estimated_success_probability(0.5, 0) == 1.0


@pytest.mark.parametrize("kwargs", [{"pair_fidelity": 1.1, "ebits": 1},
                                    {"pair_fidelity": 0.9, "ebits": -1},
                                    {"pair_fidelity": 0.9, "ebits": 1, "two_qubit_fidelity": -0.1}])
def test_out_of_range(kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError):
        estimated_success_probability(**kwargs)
