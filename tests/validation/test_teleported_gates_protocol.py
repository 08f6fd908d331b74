"""Teleported CNOT and CZ: closed forms against a density-matrix simulation of the protocols.

The protocols are written out gate by gate (pair preparation from the Bell states,
local gates, measurements with their classically controlled corrections) on the data
qubits entangled with reference qubits; the process fidelity is the overlap of the
resulting Choi state with the ideal gate's (Nielsen & Chuang (2000), Sec. 9.3). Both
are exact, so the tolerances are rounding only.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from qfab.dqc import density as dm
from qfab.physics import bell_diagonal as bd, teleported_gates as tg

Complex = NDArray[np.complex128]
_S2 = 1.0 / math.sqrt(2.0)
# Phi+, Psi-, Psi+, Phi- on |00>, |01>, |10>, |11>.
BELL_STATES = np.array([[_S2, 0, 0, _S2], [0, _S2, -_S2, 0],
                        [0, _S2, _S2, 0], [_S2, 0, 0, -_S2]], dtype=np.complex128)
PHI = BELL_STATES[0]


def _pair(bell: NDArray[np.float64]) -> Complex:
    out: Complex = sum(w * np.outer(s, s.conj()) for w, s in zip(bell, BELL_STATES,
                                                               strict=True))
    return out


def _initial(pairs: list[NDArray[np.float64]]) -> Complex:
    """References 0, 1 maximally entangled with data 2, 3 (reordered), then the pairs."""
    phi = np.outer(PHI, PHI)
    rho = np.kron(phi, phi)  # qubits (R_A, A, R_B, B)
    for bell in pairs:
        rho = np.kron(rho, _pair(bell))
    n = 4 + 2 * len(pairs)
    state = rho.reshape((2,) * (2 * n))
    order = [0, 2, 1, 3, *range(4, n)]  # to (R_A, R_B, A, B, ...)
    return np.transpose(state, order + [n + q for q in order])


def _measure_and_correct(rho: Complex, measured: int, fix: int, pauli: Complex) -> Complex:
    """Z-measure ``measured``; on outcome 1 apply ``pauli`` to ``fix``."""
    n = rho.ndim // 2
    out = np.zeros_like(rho)
    for outcome in (0, 1):
        branch = np.zeros_like(rho)
        index: list[slice | int] = [slice(None)] * (2 * n)
        index[measured] = index[n + measured] = outcome
        branch[tuple(index)] = rho[tuple(index)]
        out += dm.apply_unitary(branch, pauli, (fix,)) if outcome else branch
    return out


def _ideal(gate: str) -> Complex:
    """The ideal gate's Choi vector on (R_A, R_B, A, B)."""
    # kron(PHI, PHI) is ordered (R_A, A, R_B, B): reorder to (R_A, R_B, A, B).
    refs = np.kron(PHI, PHI).reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(16)
    out: Complex = np.kron(np.eye(4), dm.GATES[gate]) @ refs
    return out


def _choi_fidelity(rho: Complex, keep: tuple[int, int, int, int], gate: str) -> float:
    reduced = dm.partial_trace(rho, keep).reshape(16, 16)
    ideal = _ideal(gate)
    return float(np.real(ideal.conj() @ reduced @ ideal))


def _choi_predicted(channel: NDArray[np.float64], gate: str) -> Complex:
    ideal = _ideal(gate)
    out = np.zeros((16, 16), dtype=np.complex128)
    for (i, j), p in np.ndenumerate(channel):
        op = np.kron(np.eye(4), np.kron(dm.PAULIS[i], dm.PAULIS[j]))
        out += p * np.outer(op @ ideal, (op @ ideal).conj())
    return out


def _gate_teleported(gate: str, bell: NDArray[np.float64]) -> Complex:
    """Cat-entangler / disentangler (Eisert et al. 2000): A=2 controls, B=3, pair (4, 5)."""
    rho = _initial([bell])
    rho = dm.apply_unitary(rho, dm.GATES["cx"], (2, 4))
    rho = _measure_and_correct(rho, 4, 5, dm.PAULIS[1])
    rho = dm.apply_unitary(rho, dm.GATES[gate], (5, 3))
    rho = dm.apply_unitary(rho, dm.GATES["h"], (5,))
    return _measure_and_correct(rho, 5, 2, dm.PAULIS[3])


def _teleport(rho: Complex, source: int, near: int, far: int) -> Complex:
    """Bell-measure ``source`` with ``near``; the corrected state is on ``far``."""
    rho = dm.apply_unitary(rho, dm.GATES["cx"], (source, near))
    rho = dm.apply_unitary(rho, dm.GATES["h"], (source,))
    rho = _measure_and_correct(rho, near, far, dm.PAULIS[1])
    return _measure_and_correct(rho, source, far, dm.PAULIS[3])


def _data_teleported(gate: str, there: NDArray[np.float64], back: NDArray[np.float64]
                     ) -> Complex:
    """B=3 goes to A's side over pair (4, 5), the gate acts on (2, 5), back over (6, 7)."""
    rho = _initial([there, back])
    rho = _teleport(rho, 3, 4, 5)
    rho = dm.apply_unitary(rho, dm.GATES[gate], (2, 5))
    return _teleport(rho, 5, 6, 7)


BELL_DIAGONAL = [np.array([0.7, 0.05, 0.15, 0.1]), np.array([0.8, 0.12, 0.03, 0.05])]


@pytest.mark.parametrize("gate", ["cx", "cz"])
@pytest.mark.parametrize("fidelity", [1.0, 0.9, 0.6, 0.25])
def test_gate_teleported_with_a_werner_pair_has_process_fidelity_f(gate: str,
                                                                   fidelity: float) -> None:
    rho = _gate_teleported(gate, bd.werner(fidelity))
    simulated = _choi_fidelity(rho, (0, 1, 2, 3), gate)
    closed = float(tg.teleported_gate_process_fidelity(fidelity))
    assert simulated == pytest.approx(closed, abs=1e-12)
    assert tg.process_fidelity(tg.gate_teleportation_channel(gate, bd.werner(fidelity))) \
        == pytest.approx(closed, abs=1e-12)
    assert float(tg.average_gate_fidelity(closed)) == pytest.approx((4 * fidelity + 1) / 5)


@pytest.mark.parametrize("gate", ["cx", "cz"])
@pytest.mark.parametrize("bell", BELL_DIAGONAL, ids=["pair-a", "pair-b"])
def test_gate_teleportation_channel_is_the_whole_process(gate: str,
                                                         bell: NDArray[np.float64]) -> None:
    """The full Choi state, not only its fidelity, for pairs with unequal Pauli errors."""
    rho = _gate_teleported(gate, bell)
    reduced = dm.partial_trace(rho, (0, 1, 2, 3)).reshape(16, 16)
    predicted = _choi_predicted(tg.gate_teleportation_channel(gate, bell), gate)
    np.testing.assert_allclose(reduced, predicted, atol=1e-12)


@pytest.mark.parametrize("fidelity", [1.0, 0.9, 0.7])
def test_data_teleported_cnot_process_fidelity(fidelity: float) -> None:
    rho = _data_teleported("cx", bd.werner(fidelity), bd.werner(fidelity))
    simulated = _choi_fidelity(rho, (0, 1, 2, 7), "cx")
    closed = float(tg.data_teleported_cnot_process_fidelity(fidelity))
    assert simulated == pytest.approx(closed, abs=1e-12)
    assert closed == pytest.approx(fidelity**2 + ((1 - fidelity) / 3) ** 2)


@pytest.mark.parametrize("gate", ["cx", "cz"])
def test_data_teleported_channel_is_the_whole_process(gate: str) -> None:
    rho = _data_teleported(gate, BELL_DIAGONAL[0], BELL_DIAGONAL[1])
    reduced = dm.partial_trace(rho, (0, 1, 2, 7)).reshape(16, 16)
    channel = tg.data_teleported_gate_channel(gate, BELL_DIAGONAL[0], BELL_DIAGONAL[1])
    np.testing.assert_allclose(reduced, _choi_predicted(channel, gate), atol=1e-12)


def _cp(theta: float) -> Complex:
    return dm.gate_unitary("cp", theta)


def _protocol_with_unitary(unitary: Complex, bell: NDArray[np.float64]) -> Complex:
    """The cat-entangler / disentangler of :func:`_gate_teleported` for any controlled gate."""
    rho = _initial([bell])
    rho = dm.apply_unitary(rho, dm.GATES["cx"], (2, 4))
    rho = _measure_and_correct(rho, 4, 5, dm.PAULIS[1])
    rho = dm.apply_unitary(rho, unitary, (5, 3))
    rho = dm.apply_unitary(rho, dm.GATES["h"], (5,))
    return _measure_and_correct(rho, 5, 2, dm.PAULIS[3])


def _choi_of_variants(unitary: Complex, variants: list[tuple[float, Complex]]) -> Complex:
    """Choi state on (R_A, R_B, A, B) of the mixture ``sum p (M U) rho (M U)^dagger`` where
    each ``M`` is given as the whole (A, B) operator ``P_post U P_pre``."""
    refs = np.kron(PHI, PHI).reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(16)
    out = np.zeros((16, 16), dtype=np.complex128)
    for p, operator in variants:
        state = np.kron(np.eye(4), operator) @ refs
        out += p * np.outer(state, state.conj())
    return out


@pytest.mark.parametrize("theta", [math.pi / 2, math.pi / 8, 1.234])
@pytest.mark.parametrize("bell", [bd.werner(0.85), *BELL_DIAGONAL], ids=["werner", "a", "b"])
def test_teleported_controlled_phase_is_the_mixture_of_variants(
        theta: float, bell: NDArray[np.float64]) -> None:
    """A controlled phase teleported with one pair (any angle): the protocol's whole Choi
    state equals the mixture of :func:`gate_teleportation_variants` (``P_post U P_pre`` on
    the control), which for such angles is not a Pauli channel after the gate."""
    unitary = _cp(theta)
    reduced = dm.partial_trace(_protocol_with_unitary(unitary, bell),
                               (0, 1, 2, 3)).reshape(16, 16)
    variants = [(p, np.kron(dm.PAULIS[post], np.eye(2)) @ unitary
                 @ np.kron(dm.PAULIS[pre], np.eye(2)))
                for p, pre, post in tg.gate_teleportation_variants(bell)]
    np.testing.assert_allclose(reduced, _choi_of_variants(unitary, variants), atol=1e-12)


@pytest.mark.parametrize("gate", ["cx", "cz"])
def test_variants_of_cnot_and_cz_are_their_pauli_channel(gate: str) -> None:
    """For CNOT and CZ the variants reduce to :func:`gate_teleportation_channel`."""
    bell = BELL_DIAGONAL[0]
    unitary = dm.GATES[gate]
    variants = [(p, np.kron(dm.PAULIS[post], np.eye(2)) @ unitary
                 @ np.kron(dm.PAULIS[pre], np.eye(2)))
                for p, pre, post in tg.gate_teleportation_variants(bell)]
    np.testing.assert_allclose(_choi_of_variants(unitary, variants),
                               _choi_predicted(tg.gate_teleportation_channel(gate, bell), gate),
                               atol=1e-12)


def test_executor_runs_a_teleported_controlled_phase_as_the_protocol() -> None:
    """The executor's program for one non-local cp, on a qubit pair prepared in |+>|+>,
    gives the protocol's outcome distribution in the X basis."""
    from qfab.dqc.execute import Gate, PairUse, execute

    theta, bell = 1.1, BELL_DIAGONAL[1]
    gates = [Gate("h", (0,)), Gate("h", (1,)), Gate("cp", (0, 1), theta),
             Gate("h", (0,)), Gate("h", (1,)), Gate("measure", (0,)), Gate("measure", (1,))]
    result = execute(gates, {0: "a", 1: "b"}, [PairUse.from_bell(bell)])
    # the protocol on |+>|+> with the references traced out: build it directly
    plus = np.array([_S2, _S2], dtype=np.complex128)
    psi = np.kron(plus, plus)
    expected = np.zeros(4)
    h2 = np.kron(dm.GATES["h"], dm.GATES["h"])
    for p, pre, post in tg.gate_teleportation_variants(bell):
        out = h2 @ np.kron(dm.PAULIS[post], np.eye(2)) @ _cp(theta) \
            @ np.kron(dm.PAULIS[pre], np.eye(2)) @ psi
        expected += p * np.abs(out) ** 2
    for index, probability in enumerate(expected):
        bits = f"{index:02b}"  # qubit 0 first
        assert result.probabilities.get(bits[::-1], 0.0) == pytest.approx(probability,
                                                                          abs=1e-12)


def _data_protocol_with_unitary(unitary: Complex, there: NDArray[np.float64],
                                back: NDArray[np.float64]) -> Complex:
    """:func:`_data_teleported` for any two-qubit gate."""
    rho = _initial([there, back])
    rho = _teleport(rho, 3, 4, 5)
    rho = dm.apply_unitary(rho, unitary, (2, 5))
    return _teleport(rho, 5, 6, 7)


@pytest.mark.parametrize("gate", ["cp", "cx", "cz"])
def test_data_teleported_gate_is_the_mixture_of_variants(gate: str) -> None:
    """Target teleported there and back (two pairs): the protocol's whole Choi state equals
    the mixture of :func:`data_teleportation_variants` (``P_post U P_pre`` on the target)."""
    unitary = dm.gate_unitary(gate, 0.7)
    reduced = dm.partial_trace(_data_protocol_with_unitary(unitary, *BELL_DIAGONAL),
                               (0, 1, 2, 7)).reshape(16, 16)
    variants = [(p, np.kron(np.eye(2), dm.PAULIS[post]) @ unitary
                 @ np.kron(np.eye(2), dm.PAULIS[pre]))
                for p, pre, post in tg.data_teleportation_variants(*BELL_DIAGONAL)]
    np.testing.assert_allclose(reduced, _choi_of_variants(unitary, variants), atol=1e-12)
