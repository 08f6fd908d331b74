"""The fast engine's batched Bell algebra equals the reference physics functions."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.engines.fast import kernels
from qfab.engines.fast.backend import ArrayBackend, backend_for
from qfab.errors import EngineError
from qfab.physics import bell_diagonal
from qfab.physics.memory import decohere, pauli_twirled_t1_t2

RNG = np.random.default_rng(4)
VECTORS = RNG.dirichlet(np.ones(4), size=(50,))
OTHERS = RNG.dirichlet(np.ones(4), size=(50,))


def test_convolve_is_the_physics_swap() -> None:
    np.testing.assert_allclose(kernels.convolve(np, VECTORS, OTHERS),
                               bell_diagonal.swap(VECTORS, OTHERS), atol=1e-15)


@pytest.mark.parametrize(("depolarization", "error"), [(0.0, 0.0), (0.02, 0.0), (0.01, 0.03)])
def test_noisy_swap_matches_physics(depolarization: float, error: float) -> None:
    out = kernels.convolve(np, VECTORS, OTHERS)
    out = kernels.convolve(np, out, kernels.measurement_channel(np, error))
    out = kernels.depolarize(np, out, depolarization)
    expected = bell_diagonal.swap(VECTORS, OTHERS, gate_depolarization=depolarization,
                                  measurement_error=error)
    np.testing.assert_allclose(out, expected, atol=1e-15)


def test_decay_channel_is_the_twirled_t1_t2_channel() -> None:
    waits = RNG.uniform(0, 0.3, size=20)
    channel = kernels.decay_channel(np, waits, 0.4, 0.5)
    reference = pauli_twirled_t1_t2(waits, t1=0.4, t2=0.5)[:, [0, 2, 1, 3]]  # (I,X,Y,Z) -> Bell
    np.testing.assert_allclose(channel, reference, atol=1e-15)


def test_decohering_both_qubits_matches_physics() -> None:
    wait_a, wait_b = RNG.uniform(0, 0.1, size=50), RNG.uniform(0, 0.1, size=50)
    out = kernels.convolve(np, VECTORS, kernels.decay_channel(np, wait_a, 1.0, 0.3))
    out = kernels.convolve(np, out, kernels.decay_channel(np, wait_b, 2.0, 0.2))
    expected = decohere(VECTORS, wait_a, wait_b, t1_a=1.0, t2_a=0.3, t1_b=2.0, t2_b=0.2)
    np.testing.assert_allclose(out, expected, atol=1e-14)


@pytest.mark.parametrize("p", [1.0, 0.5, 0.01])
def test_geometric_by_inversion_has_the_right_moments(p: float) -> None:
    """Mean 1/p and variance (1-p)/p^2; tolerance five standard errors."""
    backend = backend_for("cpu", 1)
    n = 200_000
    draws = backend.geometric(p, (n,))
    assert draws.min() >= 1
    mean, var = 1 / p, (1 - p) / p**2
    assert draws.mean() == pytest.approx(mean, abs=5 * np.sqrt(var / n) + 1e-12)
    if p < 1:
        assert draws.var() == pytest.approx(var, rel=0.05)


def test_gpu_without_cupy_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_cupy(name: str, *args: object, **kwargs: object) -> object:
        if name == "cupy":
            raise ImportError("no cupy")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_cupy)
    with pytest.raises(EngineError, match="--device gpu: CuPy is not installed"):
        backend_for("gpu", 0)


def test_host_copy_of_numpy_arrays() -> None:
    backend = ArrayBackend(np, np.random.default_rng(0), "cpu")
    assert isinstance(backend.to_host(np.ones(3)), np.ndarray)


@pytest.mark.parametrize("scheme", ["bbpssw", "dejmps"])
def test_purification_matches_physics(scheme: str) -> None:
    reference = {"bbpssw": bell_diagonal.bbpssw, "dejmps": bell_diagonal.dejmps}[scheme]
    out, p = kernels.purify(np, scheme, VECTORS, OTHERS)
    expected, expected_p = reference(VECTORS, OTHERS)
    np.testing.assert_allclose(out, expected, atol=1e-14)
    np.testing.assert_allclose(p, expected_p, atol=1e-14)
