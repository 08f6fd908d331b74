"""The fast engine's array backends: random variates and device selection.

(The Bell-diagonal algebra the engine samples with is :mod:`qfab.physics`, tested in
``tests/unit/physics/test_physics_array_forms.py``.)"""

from __future__ import annotations

import numpy as np
import pytest

from qfab.engines.fast.backend import ArrayBackend, backend_for
from qfab.errors import EngineError


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
