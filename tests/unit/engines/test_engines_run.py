"""Engine selection, seeds and progress reporting."""

from __future__ import annotations

from typing import Any

import pytest

from qfab.engines import run
from qfab.errors import EngineError
from qfab.loading import parse_scenario


def test_default_engine_and_seed_come_from_the_scenario(
        depolarizing_document: dict[str, Any]) -> None:
    result = run(parse_scenario({**depolarizing_document, "engine": "analytic", "seed": 4}))
    assert result.engine == "analytic" and result.seed == 4


def test_unknown_engine_is_an_engine_error(depolarizing_document: dict[str, Any]) -> None:
    with pytest.raises(EngineError, match="unknown engine 'quantum'"):
        run(parse_scenario(depolarizing_document), engine="quantum")


def test_different_seeds_give_different_runs(depolarizing_document: dict[str, Any]) -> None:
    spec = parse_scenario(depolarizing_document)
    assert run(spec, seed=1).requests[0].rate_hz != run(spec, seed=2).requests[0].rate_hz


@pytest.mark.parametrize("engine", ["des", "analytic"])
def test_progress_rises_to_one(engine: str, depolarizing_document: dict[str, Any]) -> None:
    fractions: list[float] = []
    run(parse_scenario(depolarizing_document), engine=engine, progress=fractions.append)
    assert fractions and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)


def test_unreachable_target_is_refused_up_front(depolarizing_document: dict[str, Any]) -> None:
    """A link of fidelity 0.95 without purification cannot deliver 0.99: the error says so
    and gives the best achievable fidelity."""
    depolarizing_document["requests"][0]["min_fidelity"] = 0.99
    spec = parse_scenario(depolarizing_document)
    for engine in ("des", "analytic"):
        with pytest.raises(EngineError, match=r"requests\[0\]\.min_fidelity: 0\.99 is unreachable"
                           r".*best achievable is 0\.9500.*policy.purification: auto"):
            run(spec, engine=engine)


def test_without_requests_the_links_run_for_the_duration(
        depolarizing_document: dict[str, Any]) -> None:
    del depolarizing_document["requests"]
    result = run(parse_scenario({**depolarizing_document, "duration": "2 s"}), engine="des")
    assert result.sim_time_s == pytest.approx(2.0)
    assert result.links[0].attempts == 2000
