"""A 2-qubit Grover search split over two QPUs with two teleported CZs.

With perfect local gates every error is a Pauli ``Z`` from one of the two Werner pairs;
each error of the oracle's CZ sends the search to one wrong item deterministically and each
error of the diffusion's CZ flips the answer by a fixed pattern, so the search succeeds when
both pairs are clean or both give the same error: ``F^2 + 3 ((1 - F)/3)^2 =
F^2 + (1 - F)^2/3`` (the teleported CZ channel of Eisert et al., PRA 62, 052317 (2000)).
Main et al., Nature 638, 383 (2025) ran this circuit between two ion-trap modules with a
teleported CZ of 86 % process fidelity and found 71 % success.
"""

from __future__ import annotations

import math

import pytest

from qfab.dqc.execute import Gate, LocalNoise, PairUse, execute


def grover_11() -> list[Gate]:
    """Two-qubit Grover search for ``11``: oracle CZ, diffusion with one CZ."""
    h = [Gate("h", (0,)), Gate("h", (1,))]
    x = [Gate("x", (0,)), Gate("x", (1,))]
    return [*h, Gate("cz", (0, 1)), *h, *x, Gate("cz", (0, 1)), *x, *h,
            Gate("measure", (0,)), Gate("measure", (1,))]


PLACEMENT = {0: "alice", 1: "bob"}


@pytest.mark.parametrize("fidelity", [1.0, 0.97, 0.86, 0.6, 0.25])
def test_grover_success_is_f_squared_plus_the_matching_errors(fidelity: float) -> None:
    result = execute(grover_11(), PLACEMENT, [fidelity, fidelity])
    expected = fidelity**2 + (1 - fidelity) ** 2 / 3
    assert result.success_probability("11") == pytest.approx(expected, abs=1e-12)
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-12)
    assert result.ebits == 2


def test_grover_failures_are_spread_evenly_over_the_wrong_items() -> None:
    f = 0.8
    result = execute(grover_11(), PLACEMENT, [f, f])
    wrong = (1 - (f**2 + (1 - f) ** 2 / 3)) / 3
    for item in ("00", "01", "10"):
        assert result.probabilities[item] == pytest.approx(wrong, abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_sampled_counts_within_five_standard_errors(seed: int) -> None:
    f, shots = 0.86, 4000
    result = execute(grover_11(), PLACEMENT, [f, f], shots=shots, seed=seed)
    p = f**2 + (1 - f) ** 2 / 3
    assert sum(result.counts.values()) == shots
    se = math.sqrt(p * (1 - p) / shots)
    assert abs(result.counts["11"] / shots - p) < 5 * se


def test_aged_pairs_use_their_fidelity_at_use() -> None:
    """A pair held for one depolarizing time constant has w -> w/e."""
    pair = PairUse(0.97, age_s=0.01, coherence_time_s=0.01)
    w = (4 * 0.97 - 1) / 3 * math.exp(-1)
    f = (1 + 3 * w) / 4
    result = execute(grover_11(), PLACEMENT, [pair, pair])
    assert result.pair_fidelities == pytest.approx((f, f))
    assert result.success_probability("11") == pytest.approx(f**2 + (1 - f) ** 2 / 3)


def test_main_et_al_comparison() -> None:
    """The measured teleported-CZ fidelity (86 %) as the pairs' fidelity, local gates perfect,
    gives 74.6 %, above the 71 % the paper measured with its single-qubit gates and readout.
    The local error figures below are illustrative trapped-ion values (0.2 % per one-qubit
    gate, 2 % readout), not the paper's, which are not quoted here: with them the model
    comes within two points of the measurement and stays below the perfect-gate bound."""
    perfect = execute(grover_11(), PLACEMENT, [0.86, 0.86]).success_probability("11")
    assert perfect == pytest.approx(0.7461, abs=1e-4)
    noisy = execute(grover_11(), PLACEMENT, [0.86, 0.86],
                    noise=LocalNoise(one_qubit=0.002, readout=0.02)).success_probability("11")
    assert 0.71 - 0.02 < noisy < perfect
