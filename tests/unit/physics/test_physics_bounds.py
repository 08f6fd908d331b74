"""Unit tests of qfab.physics.bounds."""

import math
from collections.abc import Callable

import numpy as np
import pytest

from qfab.physics import plob_bound as exported_plob, tgw_bound as exported_tgw
from qfab.physics._checks import FloatArray
from qfab.physics.bounds import plob_bound, tgw_bound

Bound = Callable[[float], FloatArray]


def test_bounds_are_exported_by_the_physics_package() -> None:
    assert exported_plob is plob_bound
    assert exported_tgw is tgw_bound


@pytest.mark.parametrize("bound", [plob_bound, tgw_bound])
def test_a_channel_that_transmits_nothing_carries_no_key(bound: Bound) -> None:
    assert bound(0.0) == 0.0


@pytest.mark.parametrize("bound", [plob_bound, tgw_bound])
def test_a_lossless_channel_is_unbounded(bound: Bound) -> None:
    with np.errstate(all="raise"):
        assert bound(1.0) == math.inf


def test_plob_at_half_transmittance_is_one_bit() -> None:
    # -log2(1 - 1/2) = 1.
    assert plob_bound(0.5) == pytest.approx(1.0, rel=1e-15)


def test_tgw_at_one_third_is_one_bit() -> None:
    # log2((1 + 1/3) / (1 - 1/3)) = log2(2) = 1.
    assert tgw_bound(1 / 3) == pytest.approx(1.0, rel=1e-15)


def test_tgw_is_looser_than_plob() -> None:
    eta = np.linspace(1e-6, 0.999, 101)
    assert np.all(tgw_bound(eta) > plob_bound(eta))


def test_bounds_increase_with_transmittance() -> None:
    eta = np.linspace(0.0, 0.999, 101)
    assert np.all(np.diff(plob_bound(eta)) > 0)
    assert np.all(np.diff(tgw_bound(eta)) > 0)


def test_tiny_transmittance_keeps_full_precision() -> None:
    # The naive -log2(1 - eta) loses every digit at eta = 1e-17 (1 - eta == 1.0).
    eta = 1e-17
    assert plob_bound(eta) == pytest.approx(eta / math.log(2), rel=1e-12)
    assert tgw_bound(eta) == pytest.approx(2 * eta / math.log(2), rel=1e-12)


def test_bounds_broadcast_and_keep_shape() -> None:
    eta = np.array([[0.1, 0.01], [1e-4, 0.5]])
    assert plob_bound(eta).shape == (2, 2)
    assert tgw_bound(eta).shape == (2, 2)
    assert plob_bound(eta)[1, 1] == pytest.approx(1.0)


def test_scalar_input_gives_a_float() -> None:
    assert isinstance(plob_bound(0.1), float)
    assert isinstance(tgw_bound(0.1), float)


@pytest.mark.parametrize("bound", [plob_bound, tgw_bound])
@pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan])
def test_transmittance_outside_zero_one_is_rejected(bound: Bound, bad: float) -> None:
    with pytest.raises(ValueError, match="transmittance"):
        bound(bad)
