"""A surface code split across two modules tolerates far more error on its seam than in its bulk.

Reference case DQC-SEAM-01 (docs/references.md): Ramette et al., npj Quantum Inf. 10 (2024),
report a threshold at about 1 % bulk and 10 % interface error. Every comparison below is
between two decoded binomial counts: the gap between two per-round logical error rates must
exceed five standard errors of the difference (each rate's binomial standard error carried
through the per-round map, ``SeamPoint.per_round_standard_error``).
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("stim")
pytest.importorskip("pymatching")
pytest.importorskip("sinter")

from qfab.dqc.seam import SeamPoint, seam_logical_error_rates, seam_threshold  # noqa: E402

SIGMAS = 5.0


def _gap(low: SeamPoint, high: SeamPoint) -> float:
    """``high - low`` in standard errors of the difference."""
    sigma = math.hypot(low.per_round_standard_error, high.per_round_standard_error)
    return (high.per_round - low.per_round) / sigma


def _at(points: list[SeamPoint], distance: int, p_link: float) -> SeamPoint:
    (point,) = [p for p in points if p.distance == distance and p.p_link == p_link]
    return point


@pytest.fixture(scope="module")
def low_bulk() -> list[SeamPoint]:
    """p_bulk = 0.1 %: the seam at the bulk error, at 5 % (50x) and at 15 % (150x)."""
    return seam_logical_error_rates([3, 5, 7], [1e-3, 0.05, 0.15], p_bulk=1e-3,
                                    max_shots=60_000, max_errors=800)


def test_the_larger_code_wins_at_a_seam_error_fifty_times_the_bulk(
        low_bulk: list[SeamPoint]) -> None:
    """Far above the bulk threshold (about 1 %), a 5 % seam still lets d = 5 beat d = 3."""
    assert _gap(_at(low_bulk, 5, 0.05), _at(low_bulk, 3, 0.05)) > SIGMAS


def test_the_larger_code_still_wins_at_fifteen_percent(low_bulk: list[SeamPoint]) -> None:
    assert _gap(_at(low_bulk, 7, 0.15), _at(low_bulk, 3, 0.15)) > SIGMAS


def test_the_seam_error_is_modelled(low_bulk: list[SeamPoint]) -> None:
    """The seam at 5 % costs the d = 3 code: its rate is above that of the seam at the bulk
    error (a model that dropped ``p_link`` would fail here)."""
    assert _gap(_at(low_bulk, 3, 1e-3), _at(low_bulk, 3, 0.05)) > SIGMAS


def test_the_seam_hurts_the_memory_whose_failing_chain_runs_along_it() -> None:
    """The cut is vertical: the z memory fails by a top-to-bottom chain of X errors, which can
    run along the seam; the x memory's failing chain crosses the seam once."""
    (z,) = seam_logical_error_rates([3], [0.05], p_bulk=1e-3, basis="z", max_errors=300)
    (x,) = seam_logical_error_rates([3], [0.05], p_bulk=1e-3, basis="x", max_errors=300)
    assert _gap(x, z) > SIGMAS


def test_above_the_seam_threshold_the_larger_code_no_longer_helps() -> None:
    """At Ramette et al.'s 1 % bulk, a 30 % seam is three times their interface threshold: the
    d = 5 code is not better than d = 3 (at 0.1 % bulk, where the seam threshold is far higher,
    the larger code still wins at 15 %: the test above)."""
    points = seam_logical_error_rates([3, 5], [0.3], p_bulk=1e-2, max_shots=20_000,
                                      max_errors=600)
    assert _gap(_at(points, 5, 0.3), _at(points, 3, 0.3)) > -SIGMAS


@pytest.mark.slow
def test_ramettes_threshold_point_and_the_threshold_below_it() -> None:
    """Ramette et al.'s threshold point, 1 % bulk and 10 % interface error: there d = 3 and
    d = 7 agree within five standard errors (2,000 errors each: a 5-sigma band of about 20 %
    of the rate). At half the bulk error the codes separate at a 10 % seam (d = 7 below d = 3
    by more than five standard errors) and their curves cross between 20 % and 40 % (measured
    0.28 to 0.29): the seam threshold rises as the bulk error falls. About 30 s on two cores.
    """
    (d3, d7) = seam_logical_error_rates([3, 7], [0.1], p_bulk=1e-2, max_shots=200_000,
                                        max_errors=2_000, num_workers=2)
    assert abs(_gap(d7, d3)) < SIGMAS
    below = seam_logical_error_rates([3, 7], [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35],
                                     p_bulk=5e-3, max_shots=200_000, max_errors=3_000,
                                     num_workers=2)
    assert _gap(_at(below, 7, 0.1), _at(below, 3, 0.1)) > SIGMAS
    crossing = seam_threshold(below)
    assert crossing is not None and 0.2 <= crossing <= 0.4, crossing
