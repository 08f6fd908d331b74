"""The unchecked array forms of qfab.physics equal the checked reference functions.

The engines (the fast engine on NumPy or CuPy, the event simulation on Python floats) call
these forms; each test holds one of them equal to the checked function it is the body of,
or to an independent construction (a channel applied twice, a Kraus sum).
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from qfab.physics import _xp, bell_diagonal as bd, memory, purification

RNG = np.random.default_rng(4)
VECTORS = RNG.dirichlet(np.ones(4), size=(50,))
OTHERS = RNG.dirichlet(np.ones(4), size=(50,))


def test_compose_is_the_physics_swap() -> None:
    np.testing.assert_allclose(bd.compose(VECTORS, OTHERS), bd.swap(VECTORS, OTHERS), atol=1e-15)


def test_compose_against_an_explicit_pauli_product_table() -> None:
    """Independent check: multiply the Pauli matrices and read off the Bell index."""
    paulis = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]),
              "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.diag([1, -1])}
    order = bd.BELL_PAULI
    v1, v2 = VECTORS[0], OTHERS[0]
    expected = np.zeros(4)
    for i, p in enumerate(order):
        for j, q in enumerate(order):
            product = paulis[p] @ paulis[q]
            k = next(k for k, r in enumerate(order)
                     if abs(abs(np.trace(paulis[r].conj().T @ product)) - 2) < 1e-12)
            expected[k] += v1[i] * v2[j]
    np.testing.assert_allclose(bd.compose(v1, v2), expected, atol=1e-15)


@pytest.mark.parametrize(("depolarization", "error"), [(0.0, 0.0), (0.02, 0.0), (0.01, 0.03)])
def test_swapped_is_the_noisy_physics_swap(depolarization: float, error: float) -> None:
    out = bd.swapped(VECTORS, OTHERS, gate_depolarization=depolarization,
                     measurement_error=error)
    expected = bd.swap(VECTORS, OTHERS, gate_depolarization=depolarization,
                       measurement_error=error)
    np.testing.assert_allclose(out, expected, atol=1e-15)


def test_characters_invert_and_turn_composition_into_products() -> None:
    np.testing.assert_allclose(bd.from_characters(bd.characters(VECTORS)), VECTORS, atol=1e-15)
    np.testing.assert_allclose(bd.characters(bd.compose(VECTORS, OTHERS)),
                               bd.characters(VECTORS) * bd.characters(OTHERS), atol=1e-15)
    np.testing.assert_allclose(bd.fidelity_from_characters(bd.characters(VECTORS)),
                               VECTORS[:, 0], atol=1e-15)


def test_character_factors_of_the_noise_channels() -> None:
    """Each character tuple, multiplied in, equals applying the channel to the vector."""
    chi = bd.characters(VECTORS)
    p, e = 0.07, 0.04
    np.testing.assert_allclose(chi * np.array(bd.depolarizing_characters(p)),
                               bd.characters(bd.depolarize(VECTORS, p)), atol=1e-15)
    flips = bd.swap_measurement_error_channel(e)
    np.testing.assert_allclose(chi * np.array(bd.measurement_error_characters(e)),
                               bd.characters(bd.pauli_channel_to_bell(VECTORS, flips)),
                               atol=1e-15)
    np.testing.assert_allclose(
        bd.characters(bd.swap(VECTORS, OTHERS, gate_depolarization=p, measurement_error=e)),
        chi * bd.characters(OTHERS) * np.array(bd.swap_noise_characters(p, e)), atol=1e-15)


def test_scalar_forms_work_on_python_floats() -> None:
    assert bd.swap_noise_characters(0.1, 0.05) == pytest.approx(
        tuple(np.array(bd.measurement_error_characters(0.05))
              * np.array(bd.depolarizing_characters(0.1))))


def test_combined_depolarization_is_depolarizing_twice() -> None:
    once = bd.depolarize(VECTORS, bd.combined_depolarization(0.1, 0.03))
    twice = bd.depolarize(bd.depolarize(VECTORS, 0.1), 0.03)
    np.testing.assert_allclose(once, twice, atol=1e-15)


@pytest.mark.parametrize("name", ["bbpssw", "dejmps"])
def test_registered_scheme_step_matches_the_checked_function(name: str) -> None:
    scheme = purification.scheme(name)
    reference = {"bbpssw": bd.bbpssw, "dejmps": bd.dejmps}[name]
    out, p = scheme.step(VECTORS, OTHERS)
    expected, expected_p = reference(VECTORS, OTHERS)
    np.testing.assert_allclose(out, expected, atol=1e-14)
    np.testing.assert_allclose(p, expected_p, atol=1e-14)
    checked, _ = scheme(VECTORS, OTHERS)
    np.testing.assert_allclose(checked, expected, atol=0)
    assert scheme.name == name


def test_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="bbpssw, dejmps"):
        purification.scheme("hashing")


def test_t1_t2_rates_give_the_twirled_channel() -> None:
    waits = RNG.uniform(0, 0.3, size=20)
    rates = memory.t1_t2_decay_rates(0.4, 0.5)
    channel = bd.from_characters(memory.pauli_memory_characters(waits, rates))
    reference = memory.pauli_twirled_t1_t2(waits, t1=0.4, t2=0.5)[:, [0, 2, 1, 3]]
    np.testing.assert_allclose(channel, reference, atol=1e-15)


def test_storing_both_qubits_matches_decohere() -> None:
    wait_a, wait_b = RNG.uniform(0, 0.1, size=50), RNG.uniform(0, 0.1, size=50)
    out = memory.stored(VECTORS, wait_a, memory.t1_t2_decay_rates(1.0, 0.3))
    out = memory.stored(out, wait_b, memory.t1_t2_decay_rates(2.0, 0.2))
    expected = memory.decohere(VECTORS, wait_a, wait_b, t1_a=1.0, t2_a=0.3, t1_b=2.0, t2_b=0.2)
    np.testing.assert_allclose(out, expected, atol=1e-14)


def test_t1_t2_rates_are_checked() -> None:
    with pytest.raises(ValueError, match="T2 <= 2 T1"):
        memory.t1_t2_decay_rates(1.0, 3.0)
    assert memory.t1_t2_decay_rates() == (0.0, 0.0, 0.0)


def test_depolarizing_rates_on_both_qubits_are_the_pair_depolarizing_memory() -> None:
    """Each qubit keeps e^{-t/T}: the pair's Werner parameter decays as e^{-2t/T}."""
    t, tau = 0.3, 1.2
    rates = memory.depolarizing_decay_rates(tau)
    out = memory.stored(memory.stored(VECTORS, t, rates), t, rates)
    np.testing.assert_allclose(out, memory.depolarizing_memory(VECTORS, 2 * t,
                                                               coherence_time=tau), atol=1e-15)


def test_depolarizing_kraus_is_the_depolarizing_channel() -> None:
    t, tau = 0.4, 1.0
    kraus = memory.depolarizing_kraus(t, coherence_time=tau)
    np.testing.assert_allclose(sum(k.conj().T @ k for k in kraus), np.eye(2), atol=1e-15)
    rho = np.array([[0.7, 0.2 - 0.1j], [0.2 + 0.1j, 0.3]])
    e = np.exp(-t / tau)
    np.testing.assert_allclose(sum(k @ rho @ k.conj().T for k in kraus),
                               e * rho + (1 - e) * np.eye(2) / 2, atol=1e-15)


def test_decayed_fidelity_equals_storing_every_qubit() -> None:
    """Exposure sums over qubits; merged or constant characters give the same fidelity."""
    v = VECTORS[3]
    rates = [memory.t1_t2_decay_rates(0.5, 0.4), memory.t1_t2_decay_rates(t2=0.2),
             memory.depolarizing_decay_rates(0.7)]
    waits = RNG.uniform(0, 0.2, size=(10, 3))
    expected = []
    for row in waits:
        out = v
        for wait, rate in zip(row, rates):
            out = memory.stored(out, wait, rate)
        expected.append(out[0])
    exposure = waits @ np.array(rates)
    np.testing.assert_allclose(memory.decayed_fidelity(bd.characters(v), exposure), expected,
                               atol=1e-15)
    # T2 only: character 1 never decays (joins chi_0), characters 2 and 3 merge
    only = memory.t1_t2_decay_rates(t2=0.3)
    chi = bd.characters(v)
    merged = memory.decayed_fidelity(np.array([chi[0] + chi[1], chi[2] + chi[3]]),
                                     waits[:, :1] * only[1])
    np.testing.assert_allclose(merged, [memory.stored(v, w, only)[0] for w in waits[:, 0]],
                               atol=1e-15)


def test_namespace_is_numpy_for_floats_and_numpy_arrays() -> None:
    assert _xp.namespace(1.0, np.ones(2), [1.0]) is np


def test_namespace_finds_cupy_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("cupy")
    array_type = type("ndarray", (), {"__module__": "cupy._core.core"})
    monkeypatch.setitem(sys.modules, "cupy", fake)
    assert _xp.namespace(np.ones(2), array_type()) is fake
