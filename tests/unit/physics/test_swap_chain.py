"""A chain swapped in one product of characters equals the step-by-step fold of swaps."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd


@pytest.mark.parametrize("links", [1, 2, 5, 40])
def test_swap_chain_is_the_fold_of_swaps(links: int) -> None:
    rng = np.random.default_rng(links)
    vectors = rng.dirichlet(np.ones(4), size=links) * 0.3 + np.array([0.7, 0, 0, 0])
    vectors /= vectors.sum(axis=1, keepdims=True)
    depolarization = rng.uniform(0, 0.05, size=links - 1)
    measurement_error = rng.uniform(0, 0.02, size=links - 1)
    folded = vectors[0]
    for i in range(1, links):
        folded = bd.swap(folded, vectors[i], gate_depolarization=depolarization[i - 1],
                         measurement_error=measurement_error[i - 1])
    chained = bd.swap_chain(vectors, gate_depolarization=depolarization,
                            measurement_error=measurement_error)
    np.testing.assert_allclose(chained, folded, rtol=0, atol=1e-14)
    assert chained.shape == (4,) and chained.sum() == pytest.approx(1.0, abs=1e-14)


def test_swap_chain_of_werner_pairs_multiplies_werner_parameters() -> None:
    """Werner pairs: w = prod w_i (Dür et al. 1999); scalar noise applies at every swap."""
    fidelities = [0.99, 0.95, 0.9]
    out = bd.swap_chain(bd.werner(np.array(fidelities)), gate_depolarization=0.01)
    w = np.prod([(4 * f - 1) / 3 for f in fidelities]) * 0.99**2
    assert out[0] == pytest.approx(0.25 + 0.75 * w, abs=1e-15)


def test_swap_chain_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="shape"):
        bd.swap_chain(np.ones(4) / 4)
    with pytest.raises(ValueError, match="gate_depolarization"):
        bd.swap_chain(bd.werner(np.array([0.9, 0.9])), gate_depolarization=1.5)
