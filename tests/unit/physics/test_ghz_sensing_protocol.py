"""The GHZ star fusion run gate by gate on density matrices, against the closed forms.

The protocol is built here from scratch in NumPy, independently of qfab's formulas: ``k``
Bell-diagonal pairs (random, Dirichlet-distributed Bell vectors), the hub's CNOTs from its
first qubit onto its other halves, Z measurements of those with an X correction at the
sensor for outcome 1 (every outcome kept: the averaged channel), and, when the hub is not a
sensor, an X measurement of its kept qubit with a Z correction for ``-``. The remaining
qubits are compared with ``|GHZ_N>`` (:func:`fused_ghz_fidelity`); each then picks up the
phase ``theta / N``, optionally decoheres through the exact (not Pauli-twirled) T1/T2 or
depolarising Kraus channel of a memory, and the parity ``<X...X>`` is compared with
:func:`parity_signal`, the visibility with :func:`parity_visibility` and the Fisher
information (numerical derivative of the density-matrix parity) with
:func:`fisher_information`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from qfab.physics import ghz_sensing as ghz
from qfab.physics.memory import depolarizing_kraus, t1_t2_kraus

X = np.array([[0, 1], [1, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)
P0 = np.diag([1.0, 0.0]).astype(complex)
P1 = np.diag([0.0, 1.0]).astype(complex)
PLUS = np.full((2, 2), 0.5, dtype=complex)
MINUS = np.array([[0.5, -0.5], [-0.5, 0.5]], dtype=complex)
#: Bell states in qfab's order (Phi+, Psi-, Psi+, Phi-), qubit order (hub, sensor).
BELL = [np.array([1, 0, 0, 1]) / math.sqrt(2), np.array([0, 1, -1, 0]) / math.sqrt(2),
        np.array([0, 1, 1, 0]) / math.sqrt(2), np.array([1, 0, 0, -1]) / math.sqrt(2)]


def _op(single: np.ndarray, qubit: int, n: int) -> np.ndarray:
    """``single`` on ``qubit`` of ``n`` (qubit 0 the most significant)."""
    out = np.array([[1.0 + 0j]])
    for q in range(n):
        out = np.kron(out, single if q == qubit else np.eye(2))
    return out


def _cnot(control: int, target: int, n: int) -> np.ndarray:
    return _op(P0, control, n) + _op(P1, control, n) @ _op(X, target, n)


def _trace_out(rho: np.ndarray, qubits: list[int], n: int) -> np.ndarray:
    tensor = rho.reshape((2,) * (2 * n))
    for offset, q in enumerate(sorted(qubits)):
        remaining = n - offset
        tensor = np.trace(tensor, axis1=q - offset, axis2=q - offset + remaining)
    size = 2 ** (n - len(qubits))
    return tensor.reshape(size, size)


def _pair_state(vector: np.ndarray) -> np.ndarray:
    return sum(p * np.outer(b, b) for p, b in zip(vector, BELL)).astype(complex)


def fuse(pairs: np.ndarray, hub_is_sensor: bool) -> np.ndarray:
    """Density matrix of the sensors' qubits after the star fusion (hub's kept qubit first
    when it is a sensor, then the sensors of the pairs in order)."""
    k = len(pairs)
    n = 2 * k  # qubit 2i: the hub's half of pair i; 2i + 1: the sensor's
    rho = np.array([[1.0 + 0j]])
    for vector in pairs:
        rho = np.kron(rho, _pair_state(vector))
    for i in range(1, k):
        gate = _cnot(0, 2 * i, n)
        rho = gate @ rho @ gate.conj().T
        branches = [_op(P0, 2 * i, n), _op(X, 2 * i + 1, n) @ _op(P1, 2 * i, n)]
        rho = sum(b @ rho @ b.conj().T for b in branches)
    measured = [2 * i for i in range(1, k)]
    if not hub_is_sensor:
        branches = [_op(PLUS, 0, n), _op(Z, 1, n) @ _op(MINUS, 0, n)]
        rho = sum(b @ rho @ b.conj().T for b in branches)
        measured = [0, *measured]
    return _trace_out(rho, measured, n)


def ghz_state(n: int) -> np.ndarray:
    psi = np.zeros(2 ** n, dtype=complex)
    psi[0] = psi[-1] = 1 / math.sqrt(2)
    return psi


Channel = Callable[[float], np.ndarray]


def parity(rho: np.ndarray, theta: float, kraus: np.ndarray | None = None) -> float:
    """``<X^(x)N>`` after each qubit picks up ``theta / N`` and passes through ``kraus``."""
    n = int(round(math.log2(rho.shape[0])))
    phase = np.diag([1.0, np.exp(1j * theta / n)])
    for q in range(n):
        gate = _op(phase, q, n)
        rho = gate @ rho @ gate.conj().T
        if kraus is not None:
            rho = sum(_op(k, q, n) @ rho @ _op(k, q, n).conj().T for k in kraus)
    observable = np.array([[1.0 + 0j]])
    for _ in range(n):
        observable = np.kron(observable, X)
    return float(np.real(np.trace(rho @ observable)))


CASES = [(True, 1), (True, 2), (True, 3), (False, 2), (False, 3), (False, 4)]


def _random_pairs(rng: np.random.Generator, k: int) -> np.ndarray:
    # lopsided weights so that Psi+ != Psi- (lower harmonics) and Phi+ dominates
    return rng.dirichlet([6.0, 1.0, 2.0, 1.0], size=k)


@pytest.mark.parametrize(("hub_is_sensor", "k"), CASES)
def test_fidelity_of_the_fused_state_is_the_closed_form(hub_is_sensor: bool, k: int) -> None:
    rng = np.random.default_rng(100 + 10 * k + hub_is_sensor)
    for _ in range(3):
        pairs = _random_pairs(rng, k)
        rho = fuse(pairs, hub_is_sensor)
        n = ghz.sensor_count(k, hub_is_sensor=hub_is_sensor)
        assert rho.shape == (2 ** n, 2 ** n)
        assert np.trace(rho).real == pytest.approx(1.0, abs=1e-12)
        psi = ghz_state(n)
        simulated = float(np.real(psi.conj() @ rho @ psi))
        assert ghz.fused_ghz_fidelity(pairs, hub_is_sensor=hub_is_sensor) == pytest.approx(
            simulated, abs=1e-12)


@pytest.mark.parametrize(("hub_is_sensor", "k"), CASES)
def test_parity_signal_visibility_and_fisher_information(hub_is_sensor: bool, k: int) -> None:
    rng = np.random.default_rng(200 + 10 * k + hub_is_sensor)
    pairs = _random_pairs(rng, k)
    rho = fuse(pairs, hub_is_sensor)
    n = ghz.sensor_count(k, hub_is_sensor=hub_is_sensor)
    for theta in (0.0, 0.4, math.pi / 2, 2.3):
        expected = parity(rho, theta)
        assert ghz.parity_signal(pairs, theta, hub_is_sensor=hub_is_sensor) == pytest.approx(
            expected, abs=1e-12)
        step = 1e-5  # in phi = theta / n
        slope = (parity(rho, theta + n * step) - parity(rho, theta - n * step)) / (2 * step)
        fisher = slope ** 2 / (1 - expected ** 2)
        assert ghz.fisher_information(pairs, theta, hub_is_sensor=hub_is_sensor) == \
            pytest.approx(fisher, rel=1e-6, abs=1e-9)
    # the N-th harmonic's amplitude: project the parity fringe on cos(n phi)
    phis = np.linspace(0.0, 2 * math.pi, 4 * n + 8, endpoint=False)
    fringe = np.array([parity(rho, n * phi) for phi in phis])
    amplitude = 2 * float(np.mean(fringe * np.cos(n * phis)))
    if n == 2 and hub_is_sensor:  # frequencies 2 and 0: nothing aliases onto cos(2 phi)
        amplitude = 2 * float(np.mean((fringe - fringe.mean()) * np.cos(n * phis)))
    assert ghz.parity_visibility(pairs, hub_is_sensor=hub_is_sensor) == pytest.approx(
        amplitude, abs=1e-12)


@pytest.mark.parametrize("memory", ["t1t2", "depolarizing"])
@pytest.mark.parametrize(("hub_is_sensor", "k"), [(True, 2), (False, 3)])
def test_exact_memory_channel_during_interrogation_is_the_coherence_factor(
        memory: str, hub_is_sensor: bool, k: int) -> None:
    rng = np.random.default_rng(7 + k)
    pairs = _random_pairs(rng, k)
    rho = fuse(pairs, hub_is_sensor)
    n = ghz.sensor_count(k, hub_is_sensor=hub_is_sensor)
    wait = 0.3
    if memory == "t1t2":  # amplitude damping too: the parity reads transverse parts only
        kraus = np.asarray(t1_t2_kraus(wait, t1=0.8, t2=1.1))
        transverse = math.exp(-wait / 1.1)
    else:
        kraus = depolarizing_kraus(wait, coherence_time=0.5)
        transverse = math.exp(-wait / 0.5)
    coherence = ghz.coherence_factor(np.full(n, transverse))
    assert coherence == pytest.approx(transverse ** n)
    for theta in (0.3, math.pi / 2):
        assert ghz.parity_signal(pairs, theta, hub_is_sensor=hub_is_sensor,
                                 coherence=coherence) == pytest.approx(
            parity(rho, theta, kraus), abs=1e-12)


def test_werner_pairs_have_a_single_harmonic() -> None:
    from qfab.physics.bell_diagonal import werner

    pairs = np.stack([werner(0.93)] * 3)
    for hub_is_sensor in (True, False):
        n = ghz.sensor_count(3, hub_is_sensor=hub_is_sensor)
        v = ghz.parity_visibility(pairs, hub_is_sensor=hub_is_sensor)
        assert v == pytest.approx(ghz.werner_parity_visibility(0.93, 3))
        for theta in (0.2, 1.0, math.pi / 2):
            assert ghz.parity_signal(pairs, theta, hub_is_sensor=hub_is_sensor) == \
                pytest.approx(v * math.cos(theta), abs=1e-14)
            assert ghz.fisher_information(pairs, theta, hub_is_sensor=hub_is_sensor) == \
                pytest.approx(ghz.fringe_fisher_information(n, v, theta), rel=1e-12)
