"""The result document: core keys, JSON-safe values, confidence intervals."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from qfab.engines.result import LinkResult, RequestResult, RunResult, mean_with_ci95, target_met


def _result(rate: float = 1.0) -> RunResult:
    return RunResult(
        scenario="s", engine="des", seed=1, sim_time_s=1.0, wall_time_s=0.1, events=3,
        links=[LinkResult(("a", "b"), 10, 2, 0.2, rate, 0.9)],
        requests=[RequestResult(("a", "b"), 2, 2, 2.0, 0.9, (0.88, 0.92), 0.5, 0.8, True)],
    )


def test_document_has_the_core_keys_in_order() -> None:
    keys = list(_result().to_dict())
    assert keys[:8] == ["qfab", "scenario", "engine", "seed", "sim_time_s", "wall_time_s",
                        "events", "links"]
    assert "requests" in keys


def test_document_is_json_with_lists() -> None:
    document = json.loads(json.dumps(_result().to_dict()))
    assert document["links"][0]["between"] == ["a", "b"]
    assert document["requests"][0]["fidelity_ci95"] == [0.88, 0.92]


def test_non_finite_values_become_null() -> None:
    assert _result(rate=math.inf).to_dict()["links"][0]["rate_hz"] is None


def test_ci95_is_mean_plus_minus_1_96_standard_errors() -> None:
    samples = np.array([0.8, 0.9, 1.0, 0.9])
    mean, ci = mean_with_ci95(samples)
    half = 1.96 * samples.std(ddof=1) / 2
    assert mean == pytest.approx(0.9)
    assert ci == pytest.approx((0.9 - half, 0.9 + half))


def test_ci95_needs_two_samples() -> None:
    assert mean_with_ci95(np.array([0.7])) == (0.7, None)
    assert mean_with_ci95(np.array([])) == (None, None)


@pytest.mark.parametrize(("complete", "fidelity", "target", "expected"), [
    (True, 0.9, 0.8, True), (True, 0.7, 0.8, False), (False, 0.9, 0.8, False),
    (True, None, None, True), (False, None, None, False),
])
def test_target_met(complete: bool, fidelity: float | None, target: float | None,
                    expected: bool) -> None:
    assert target_met(complete, fidelity, target) is expected
