"""The event trace agrees with the run it records: one herald per link success, one delivery
per delivered pair with its fidelity, pairs followed from herald to delivery, request and
stall records as the result reports them; and tracing changes nothing in the run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qfab.engines.des as des_module
from qfab.engines.des import DesEngine
from qfab.engines.result import RunResult
from qfab.loading import load_scenario, parse_scenario
from qfab.protocols.trace import FIELDS, KINDS, TraceRecorder
from qfab.spec.models import ScenarioSpec
from tests.validation.test_stalls import STAR, _without_swaps_at

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

_TYPES: dict[str, Any] = {"int": int, "float": float, "str": str, "bool": bool}


def _chain(pairs: int = 40) -> ScenarioSpec:
    spec = load_scenario(EXAMPLES / "chain_9_nodes.yaml")
    request = spec.requests[0].model_copy(update={"pairs": pairs})
    return spec.model_copy(update={"requests": [request]})


def _traced(spec: ScenarioSpec, seed: int = 7, **options: Any) -> tuple[RunResult, TraceRecorder]:
    trace = TraceRecorder()
    return DesEngine().run(spec, seed=seed, trace=trace, **options), trace


def _kind(trace: TraceRecorder, kind: str) -> list[dict[str, Any]]:
    return [record for record in trace.records if record["kind"] == kind]


def _without_wall_time(result: RunResult) -> dict[str, Any]:
    document = result.to_dict()
    document.pop("wall_time_s")
    return document


@pytest.fixture(scope="module")
def chain() -> tuple[RunResult, TraceRecorder]:
    return _traced(_chain())


def test_deliveries_are_the_results(chain: tuple[RunResult, TraceRecorder]) -> None:
    result, trace = chain
    request = result.requests[0]
    delivered = _kind(trace, "deliver")
    assert len(delivered) == request.delivered == 40
    fidelities = np.array([record["fidelity"] for record in delivered])
    assert request.fidelity == pytest.approx(float(fidelities.mean()), rel=1e-12)
    assert request.fidelity_min == float(fidelities.min())
    assert [record["delivered"] for record in delivered] == list(range(1, 41))
    assert all(record["request"] == 0 and sorted(record["ends"]) == ["n0", "n8"]
               for record in delivered)


def test_one_herald_per_link_success(chain: tuple[RunResult, TraceRecorder]) -> None:
    result, trace = chain
    per_link = Counter(record["link"] for record in _kind(trace, "herald"))
    assert [per_link[index] for index in range(len(result.links))] == \
        [link.successes for link in result.links]
    for record in _kind(trace, "herald"):
        assert record["ends"] == list(result.links[record["link"]].between)
        assert record["emitted_ps"] <= record["t_ps"]


def test_pairs_are_followed_from_herald_to_delivery(
        chain: tuple[RunResult, TraceRecorder]) -> None:
    """Each pair is made once (numbered 1, 2, ... in order), consumed at most once, and only
    after it was made; every delivered pair was made by an earlier record."""
    _, trace = chain
    made: dict[int, int] = {}
    consumed: set[int] = set()
    for position, record in enumerate(trace.records):
        for used in record.get("inputs", ()):
            assert used in made and used not in consumed, record
            consumed.add(used)
        if record["kind"] in ("herald", "swap", "purify") and "pair" in record:
            assert record["pair"] == len(made) + 1, "numbered in the order they are made"
            made[record["pair"]] = position
        elif "pair" in record:
            assert record["pair"] in made and record["pair"] not in consumed, record
            if record["kind"] in ("deliver", "discard"):
                consumed.add(record["pair"])
    for record in _kind(trace, "deliver"):
        assert trace.records[made[record["pair"]]]["kind"] == "swap"
    swaps = _kind(trace, "swap")
    assert len(swaps) == 7 * 40 and all(record["success"] for record in swaps)


def test_records_are_in_time_order_with_known_fields(
        chain: tuple[RunResult, TraceRecorder]) -> None:
    _, trace = chain
    times = [record["t_ps"] for record in trace.records]
    assert times == sorted(times)
    for record in trace.records:
        assert record["kind"] in KINDS and set(record) <= set(FIELDS)
        assert record["t_s"] == record["t_ps"] / 1e12
        for key, value in record.items():
            kind = FIELDS[key]
            if kind.startswith("list["):
                assert all(isinstance(item, _TYPES[kind[5:-1]]) for item in value), key
            else:
                assert isinstance(value, _TYPES[kind]), key
    kinds = [record["kind"] for record in trace.records]
    assert kinds[:2] == ["start", "turn"] and kinds[-2:] == ["finish", "end"]
    assert trace.records[-1]["reason"] == "complete"


def test_the_header_names_the_run(chain: tuple[RunResult, TraceRecorder]) -> None:
    _, trace = chain
    header = trace.header
    assert header["trace"] == "qfab" and header["engine"] == "des" and header["seed"] == 7
    assert header["requests"][0]["between"] == ["n0", "n8"]
    assert header["requests"][0]["pairs"] == 40
    assert len(header["requests"][0]["path"]) == 9 and len(header["links"]) == 8


def test_same_seed_same_trace_and_tracing_changes_nothing(
        chain: tuple[RunResult, TraceRecorder]) -> None:
    result, trace = chain
    again, second = _traced(_chain())
    assert second.records == trace.records and second.header == trace.header
    untraced = DesEngine().run(_chain(), seed=7)
    assert _without_wall_time(untraced) == _without_wall_time(result)
    other, third = _traced(_chain(), seed=8)
    assert third.records != trace.records


def test_purification_rounds_are_recorded() -> None:
    spec = parse_scenario({
        "qfab": 1, "duration": "20 s", "seed": 2,
        "topology": {"kind": "chain", "nodes": 3, "spacing": "1 km",
                     "node": {"memory": {"qubits": 4}},
                     "link": {"kind": "depolarizing", "fidelity": 0.85,
                              "success_probability": 0.2, "cycle_time": "10 us"}},
        "policy": {"purification": "bbpssw", "purification_rounds": 1},
        "requests": [{"kind": "entanglement", "between": ["n0", "n2"], "pairs": 60}]})
    result, trace = _traced(spec)
    rounds = _kind(trace, "purify")
    assert result.requests[0].delivered == 60
    successes = [record for record in rounds if record["success"]]
    failures = [record for record in rounds if not record["success"]]
    assert successes and failures  # p_success is about 0.8 for these pairs
    for record in successes:
        assert record["level"] == 1 and len(record["inputs"]) == 2 and "pair" in record
        assert 0 < record["p_success"] < 1
    for record in failures:
        assert "pair" not in record and "level" not in record
    purified = {record["pair"] for record in successes}
    assert {record["pair"] for record in _kind(trace, "deliver")} <= purified


def test_cutoff_discards_and_failed_swaps_are_recorded() -> None:
    spec = parse_scenario({
        "qfab": 1, "duration": "20 s", "seed": 4,
        "topology": {"kind": "chain", "nodes": 3, "spacing": "1 km",
                     "node": {"memory": {"qubits": 2},
                              "gates": {"swap_success_probability": 0.5}},
                     "link": {"kind": "depolarizing", "fidelity": 0.97,
                              "success_probability": 0.01, "cycle_time": "10 us"}},
        "policy": {"cutoff": "1 ms"},
        "requests": [{"kind": "entanglement", "between": ["n0", "n2"], "pairs": 30}]})
    result, trace = _traced(spec)
    discards = _kind(trace, "discard")
    assert discards and {record["reason"] for record in discards} == {"cutoff"}
    herald_at = {record["pair"]: record["emitted_ps"] for record in _kind(trace, "herald")}
    for record in discards:  # a fresh pair is dropped exactly at the cutoff after emission
        if record["pair"] in herald_at:
            assert record["t_ps"] == herald_at[record["pair"]] + 10**9
    swaps = _kind(trace, "swap")
    failed = [record for record in swaps if not record["success"]]
    assert failed and all("pair" not in record for record in failed)
    assert len(swaps) - len(failed) >= result.requests[0].delivered == 30


def test_contention_records_turns_and_preemption() -> None:
    result, trace = _traced(load_scenario(EXAMPLES / "contention.yaml"))
    assert all(request.delivered == request.requested for request in result.requests)
    turns = [(record["kind"], record["request"]) for record in trace.records
             if record["kind"] in ("start", "turn", "preempt", "wait", "finish")]
    # alice's request starts first and is served, bob's (priority 1) then takes the repeater
    assert turns[:4] == [("start", 0), ("turn", 0), ("start", 1), ("preempt", 0)]
    preempt = next(record for record in trace.records if record["kind"] == "preempt")
    assert preempt["rivals"] == [1]
    assert turns[4] == ("turn", 1)
    assert turns[-3:] == [("finish", 1), ("turn", 0), ("finish", 0)]
    charged = Counter(record.get("request") for record in _kind(trace, "herald"))
    assert charged[0] and charged[1]


def test_a_stall_is_recorded_as_the_result_reports_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(des_module, "plan_network", _without_swaps_at("r", 0))
    result, trace = _traced(parse_scenario(STAR), seed=3)
    assert result.stalled is not None
    stall, end = trace.records[-2:]
    assert stall["kind"] == "stall" and stall["waits"] == result.stalled.waits
    assert stall["reason"] == result.stalled.reason
    assert stall["t_s"] == result.stalled.time_s
    assert end["kind"] == "end" and end["reason"] == "stalled"


def test_the_limit_stops_recording_with_a_note(chain: tuple[RunResult, TraceRecorder]) -> None:
    _, full = chain
    result, trace = _traced(_chain(), trace_limit=25)
    assert trace.records[:25] == full.records[:25]
    assert [record["kind"] for record in trace.records[25:]] == ["limit", "end"]
    assert trace.records[25]["limit"] == 25
    assert trace.records[-1]["dropped"] == len(full.records) - 1 - 25  # full's end excluded
    assert result.requests[0].delivered == 40


def test_a_characterization_records_its_heralds() -> None:
    spec = parse_scenario({
        "qfab": 1, "duration": "50 ms", "nodes": {"a": {}, "b": {}},
        "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
                   "success_probability": 0.1, "cycle_time": "1 ms"}]})
    result, trace = _traced(spec)
    heralds = _kind(trace, "herald")
    assert len(heralds) == result.links[0].successes > 0
    assert all("pair" not in record and "request" not in record for record in heralds)
    assert trace.records[-1] == {"t_ps": 50 * 10**9, "t_s": 0.05, "kind": "end",
                                 "reason": "duration"}


def test_the_python_api_takes_a_trace_and_refuses_it_for_other_engines() -> None:
    import qfab
    from qfab.errors import EngineError

    trace = TraceRecorder()
    result = qfab.run(_chain(3), seed=7, trace=trace)
    assert len(_kind(trace, "deliver")) == result.requests[0].delivered == 3
    with pytest.raises(EngineError, match="the event trace records the event simulation"):
        qfab.run(_chain(3), engine="fast", trace=TraceRecorder())
