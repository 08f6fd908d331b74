"""The small circuit executor: gates, bit order, local noise, checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.dqc import density as dm
from qfab.dqc.execute import Gate, LocalNoise, PairUse, execute

LOCAL = {0: "a", 1: "a", 2: "a"}


def test_qiskit_bit_order_classical_bit_zero_rightmost() -> None:
    circuit = [Gate("x", (0,)), Gate("measure", (0,), clbit=0), Gate("measure", (1,), clbit=1)]
    assert execute(circuit, {0: "a", 1: "a"}).probabilities == {"01": pytest.approx(1.0)}
    swapped = [Gate("x", (0,)), Gate("measure", (0,), clbit=2)]
    assert execute(swapped, LOCAL).probabilities == {"100": pytest.approx(1.0)}


def test_ghz_on_three_qpus_uses_two_pairs() -> None:
    circuit = [Gate("h", (0,)), Gate("cx", (0, 1)), Gate("cx", (1, 2)),
               *(Gate("measure", (q,)) for q in range(3))]
    ideal = execute(circuit, {0: "a", 1: "b", 2: "c"}, [1.0, 1.0], shots=100, seed=3)
    assert ideal.probabilities == {"000": pytest.approx(0.5), "111": pytest.approx(0.5)}
    assert sum(ideal.counts.values()) == 100 and set(ideal.counts) <= {"000", "111"}
    assert ideal.ebits == 2
    noisy = execute(circuit, {0: "a", 1: "b", 2: "c"}, [0.9, 0.9])
    # Each CNOT's target flips with the pair's X or Y error (probability 2(1 - F)/3); a
    # flip of qubit 1 is copied on to qubit 2, so only two clean CNOTs leave a GHZ outcome.
    flip = 2 * 0.1 / 3
    assert noisy.probabilities["000"] + noisy.probabilities["111"] == pytest.approx(
        (1 - flip) ** 2)


def test_rz_and_t_phases_show_after_hadamards() -> None:
    theta = 0.7
    circuit = [Gate("h", (0,)), Gate("rz", (0,), param=theta), Gate("h", (0,)),
               Gate("measure", (0,))]
    p1 = execute(circuit, {0: "a"}).probabilities.get("1", 0.0)
    assert p1 == pytest.approx(math.sin(theta / 2) ** 2)
    t_twice = [Gate("h", (0,)), Gate("t", (0,)), Gate("t", (0,)), Gate("s", (0,)),
               Gate("h", (0,)), Gate("measure", (0,))]
    assert execute(t_twice, {0: "a"}).probabilities == {"1": pytest.approx(1.0)}


def test_local_depolarizing_and_readout_errors() -> None:
    circuit = [Gate("x", (0,)), Gate("measure", (0,))]
    p = 0.3
    dep = execute(circuit, {0: "a"}, noise=LocalNoise(one_qubit=p)).probabilities
    assert dep["0"] == pytest.approx(p / 2)  # X and Y of the p/4 each flip the bit
    readout = execute(circuit, {0: "a"}, noise={"a": LocalNoise(readout=0.05)}).probabilities
    assert readout["0"] == pytest.approx(0.05)
    two = [Gate("cx", (0, 1)), Gate("measure", (0,)), Gate("measure", (1,))]
    probs = execute(two, {0: "a", 1: "a"}, noise=LocalNoise(two_qubit=0.4)).probabilities
    assert probs["00"] == pytest.approx(1 - 0.4 * 3 / 4)


def test_data_scheme_takes_two_pairs_per_gate() -> None:
    circuit = [Gate("h", (0,)), Gate("cx", (0, 1)), Gate("measure", (0,)),
               Gate("measure", (1,))]
    result = execute(circuit, {0: "a", 1: "b"}, [0.9, 0.8], scheme="data")
    assert result.ebits == 2 and result.pair_fidelities == pytest.approx((0.9, 0.8))


def test_counts_are_reproducible_for_a_seed() -> None:
    circuit = [Gate("h", (0,)), Gate("measure", (0,))]
    a = execute(circuit, {0: "a"}, shots=500, seed=11).counts
    b = execute(circuit, {0: "a"}, shots=500, seed=11).counts
    assert a == b and sum(a.values()) == 500


@pytest.mark.parametrize(("circuit", "pairs", "message"), [
    ([Gate("ccx", (0, 1))], [], "unknown gate"),
    ([Gate("cx", (0, 0))], [], "distinct"),
    ([Gate("h", (5,))], [], "outside"),
    ([Gate("measure", (0,)), Gate("h", (0,))], [], "measured"),
    ([Gate("rz", (0,))], [], "angle"),
    ([Gate("measure", (0,), clbit=-1)], [], "classical bit"),
    ([Gate("cz", (0, 2))], [], "need 1 pair"),
    ([Gate("measure", (0,), clbit=0), Gate("measure", (1,), clbit=0)], [], "twice"),
])
def test_bad_circuits_are_refused(circuit: list[Gate], pairs: list[float],
                                  message: str) -> None:
    with pytest.raises(ValueError, match=message):
        execute(circuit, {0: "a", 1: "a", 2: "b"}, pairs)


def test_too_many_qubits_and_bad_placement() -> None:
    with pytest.raises(ValueError, match="at most 10"):
        execute([], {q: "a" for q in range(11)}, method="density")
    with pytest.raises(ValueError, match="non-Clifford"):
        execute([Gate("t", (0,))], {q: "a" for q in range(11)}, method="stim")
    with pytest.raises(ValueError, match="too large to simulate"):
        execute([Gate("t", (0,))], {q: "a" for q in range(25)})
    with pytest.raises(ValueError, match="placement"):
        execute([], {1: "a"})


def test_density_partial_trace_and_dephasing() -> None:
    rho = dm.apply_unitary(dm.zero_state(2), dm.GATES["h"], (0,))
    rho = dm.apply_unitary(rho, dm.GATES["cx"], (0, 1))
    reduced = dm.partial_trace(rho, (1,)).reshape(2, 2)
    assert np.allclose(reduced, np.eye(2) / 2)
    dephased = dm.dephase(rho, 0).reshape(4, 4)
    assert np.allclose(dephased, np.diag([0.5, 0, 0, 0.5]))


@pytest.mark.parametrize(("make", "message"), [
    (lambda: LocalNoise(readout=1.5), "readout"),
    (lambda: LocalNoise(one_qubit=-0.1), "one_qubit"),
    (lambda: PairUse(1.2), "fidelity"),
    (lambda: PairUse(0.9, age_s=-1.0), "age_s"),
    (lambda: PairUse(0.9, coherence_time_s=0.0), "coherence_time_s"),
])
def test_bad_noise_and_pairs_are_refused(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]
