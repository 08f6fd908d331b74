"""Applications: the kind table, what each keeps of delivered pairs, refusal of k > 1."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import ClassVar

import numpy as np
import pytest

from qfab.apps import base as apps_base
from qfab.apps.base import (
    APPLICATIONS,
    Application,
    DeliveredPair,
    application_class,
    application_for,
)
from qfab.apps.entanglement import EntanglementApp
from qfab.apps.teleportation import TeleportationApp
from qfab.engines import run, supports
from qfab.engines.result import RequestResult, RunResult
from qfab.errors import EngineError, ScenarioError
from qfab.loading import parse_scenario
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.quantum.density_matrix import DensityMatrixState
from qfab.report.table import format_result
from qfab.spec import EntanglementRequestSpec, TeleportationRequestSpec
from tests.scenarios import two_node

LINK = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.5,
        "cycle_time": "1 ms"}


def test_every_request_kind_has_an_application() -> None:
    assert application_class("entanglement") is EntanglementApp
    assert application_class("teleportation") is TeleportationApp
    for kind in APPLICATIONS:
        assert application_class(kind).kind == kind


def test_unknown_kind_names_the_request() -> None:
    with pytest.raises(ScenarioError, match=r"^requests\[3\]\.kind: no application serves "
                                            r"kind 'telepathy'"):
        application_class("telepathy", where="requests[3]")


def test_entanglement_reports_no_extra_figures() -> None:
    app = application_for(EntanglementRequestSpec(between=("a", "b"), pairs=2))
    app.receive(0.1, BellDiagonalState.werner(0.9))
    assert app.received() == {} and app.figure_names == ()


@pytest.mark.parametrize("formalism", [BellDiagonalState, DensityMatrixState])
def test_teleportation_keeps_the_teleportation_fidelity_of_each_pair(
        formalism: type[BellDiagonalState | DensityMatrixState]) -> None:
    app = application_for(TeleportationRequestSpec(between=("a", "b"), pairs=3))
    for time_s, fidelity in ((0.1, 1.0), (0.2, 0.7), (0.3, 0.25)):
        app.receive(time_s, formalism.werner(fidelity))
    np.testing.assert_allclose(app.received()["teleportation_fidelity"], [1.0, 0.8, 0.5])
    np.testing.assert_allclose(app.figures(np.array([0.85]))["teleportation_fidelity"], [0.9])


class _PairOfPairsApp(Application):
    kind: ClassVar[str] = "entanglement"
    pairs_at_once: ClassVar[int] = 2


@pytest.mark.parametrize("engine", ["des", "fast", "analytic"])
def test_engines_refuse_applications_that_need_several_pairs_at_once(
        engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apps_base, "APPLICATIONS",
                        MappingProxyType({"entanglement": _PairOfPairsApp}))
    spec = parse_scenario(two_node(LINK, pairs=5))
    with pytest.raises(EngineError, match=rf"^requests\[0\]\.kind: 'entanglement' needs 2 "
                                          rf"pairs at once; the {engine} engine") as refused:
        run(spec, engine=engine)
    support = supports(spec, engine=engine)
    assert not support and support.reason == str(refused.value)


def _teleportation_result() -> RunResult:
    extra = {"teleportation_fidelity": 0.9, "teleportation_fidelity_ci95": (0.89, 0.91)}
    return RunResult(
        scenario="s", engine="des", seed=1, sim_time_s=1.0, wall_time_s=0.1, events=3,
        requests=[RequestResult(("a", "b"), 2, 2, 2.0, 0.85, (0.84, 0.86), 0.5,
                                kind="teleportation", extra=extra),
                  RequestResult(("a", "c"), 2, 2, 2.0, 0.8, None, 0.5)])


def test_application_fields_sit_beside_the_core_keys() -> None:
    document = json.loads(json.dumps(_teleportation_result().to_dict()))
    first, second = document["requests"]
    assert first["kind"] == "teleportation" and second["kind"] == "entanglement"
    assert first["teleportation_fidelity"] == 0.9
    assert first["teleportation_fidelity_ci95"] == [0.89, 0.91]
    assert "extra" not in first and "teleportation_fidelity" not in second
    request = _teleportation_result().requests[0]
    assert request.teleportation_fidelity == 0.9
    with pytest.raises(AttributeError):
        _ = _teleportation_result().requests[1].teleportation_fidelity


def test_table_shows_a_column_per_application_figure() -> None:
    lines = format_result(_teleportation_result()).splitlines()
    header = next(line for line in lines if line.startswith("request"))
    assert header.split()[-1] == "teleportation_fidelity"
    rows = [line for line in lines if line.startswith("a - ")]
    assert rows[0].split()[-1] == "0.9" and rows[1].split()[-1] == "-"
    plain = RunResult(scenario="s", engine="des", seed=1, sim_time_s=1.0, wall_time_s=0.1,
                      events=3, requests=[RequestResult(("a", "b"), 2, 2, 2.0, 0.8, None, 0.5)])
    assert "teleportation" not in format_result(plain)


@pytest.mark.parametrize("engine", ["des", "fast", "analytic"])
def test_every_engine_reports_teleportation_fidelity(engine: str) -> None:
    document = two_node(LINK)
    document["requests"] = [{"kind": "teleportation", "between": ["alice", "bob"],
                             "pairs": 20, "deadline": "1000 s", "min_fidelity": 0.85}]
    request = run(parse_scenario(document), engine=engine).requests[0]
    assert request.kind == "teleportation" and request.delivered == 20
    assert request.teleportation_fidelity == pytest.approx((2 * 0.9 + 1) / 3, abs=1e-12)
    assert request.deadline_met is True and request.target_met is True


def test_only_applications_that_use_pairs_are_handed_them() -> None:
    class Keeping(Application):
        kind: ClassVar[str] = "entanglement"

        def receive(self, time_s: float, pair: DeliveredPair) -> None:
            self.last = pair

    request = EntanglementRequestSpec(between=("a", "b"), pairs=1)
    assert not EntanglementApp(request).receives_pairs
    assert Keeping(request).receives_pairs
    assert TeleportationApp(TeleportationRequestSpec(between=("a", "b"), pairs=1)).receives_pairs


def test_results_with_application_fields_survive_pickling() -> None:
    """Sweep executors ship results between processes."""
    import pickle

    request = _teleportation_result().requests[0]
    copy = pickle.loads(pickle.dumps(request))
    assert copy == request and copy.teleportation_fidelity == 0.9
