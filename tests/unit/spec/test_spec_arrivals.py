"""The ``arrivals`` section: its fields validate as a request's do, and every mistake is one
clean error naming ``arrivals[i].<field>``."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.spec.arrivals import MAX_GENERATED_REQUESTS, ArrivalSpec, memory_needed
from qfab.spec.requests import EntanglementRequestSpec

LINK = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
        "cycle_time": "1 ms"}


def scenario(arrivals: Any, **extra: Any) -> dict[str, Any]:
    """alice - bob - carol, and dave alone; a run of 10 s."""
    return {"qfab": 1, "duration": "10 s", "seed": 5,
            "nodes": {"alice": {}, "bob": {"memory": {"qubits": 2}}, "carol": {}, "dave": {}},
            "links": [{**LINK, "between": ["alice", "bob"]},
                      {**LINK, "between": ["bob", "carol"]}],
            "arrivals": arrivals, **extra}


def process(**fields: Any) -> dict[str, Any]:
    return {"process": "poisson", "rate": "2 Hz", "between": ["alice", "carol"], "pairs": 3,
            **fields}


def error_of(document: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(document)
    return str(raised.value)


@pytest.mark.parametrize("field, values", [
    ("pairs", [1, 7, 0, -1, True, 2.0, "3"]),
    ("min_fidelity", [None, 0.0, 0.8, 1.0, 1.5, -0.1, True]),
    ("deadline", [None, "500 ms", 2, 0, "-1 s", "5 km", "inf"]),
    ("priority", [0, -3, 4, True, 1.5]),
])
def test_request_fields_validate_as_in_a_request(field: str, values: list[Any]) -> None:
    """The fields an arrival gives its requests accept and refuse exactly what a request's
    fields do, and store the same value."""
    for value in values:
        request: Any
        arrival: Any
        try:
            request = getattr(EntanglementRequestSpec(between=("a", "b"),
                                                      **{"pairs": 1, field: value}), field)
        except ValidationError:
            request = "refused"
        try:
            arrival = getattr(ArrivalSpec(process="poisson", rate=1,
                                          **{"pairs": 1, field: value}), field)
        except ValidationError:
            arrival = "refused"
        assert arrival == request, (field, value)


def test_a_valid_section_with_defaults() -> None:
    spec = parse_scenario(scenario([{"process": "periodic", "rate": "1 Hz", "pairs": 2}]))
    arrival = spec.arrivals[0]
    assert (arrival.between, arrival.among, arrival.start, arrival.stop, arrival.kind) == (
        "random", None, 0.0, None, "entanglement")
    assert len(spec.requests) == 10  # one per second over 10 s, the first at 0


def test_a_single_mapping_is_one_process() -> None:
    one = parse_scenario(scenario(process()))
    listed = parse_scenario(scenario([process()]))
    assert one.arrivals == listed.arrivals and one.requests == listed.requests


@pytest.mark.parametrize("arrivals, expected", [
    (process(rte=3), "arrivals[0].rte: unknown key 'rte'; did you mean 'rate'?"),
    (process(process="poison"), "arrivals[0].process: must be one of 'poisson' or 'periodic'"),
    (process(rate=0), "arrivals[0].rate: must be > 0"),
    (process(rate="-2 Hz"), "arrivals[0].rate: must be > 0"),
    (process(rate="2 s"), "arrivals[0].rate: unit 's' is a time, expected a frequency"),
    (process(rate="nan Hz"), "arrivals[0].rate: cannot read 'nan Hz'"),
    (process(between=["alice", "carl"]),
     "arrivals[0].between: unknown node 'carl' (nodes: alice, bob, carol, dave); did you mean "
     "'carol'?"),
    (process(between=["alice", "alice"]), "arrivals[0].between: a request needs two different "
                                          "nodes"),
    (process(between=["alice", "dave"]), "arrivals[0].between: no path of links joins alice "
                                         "and dave"),
    (process(between="anywhere"), "arrivals[0].between"),
    (process(between="random", among=["alice", "dave"]),
     "arrivals[0].among: no two of the nodes are joined by a path of links"),
    (process(between="random", among=["alice", "bobby"]),
     "arrivals[0].among: unknown node 'bobby'"),
    (process(between="random", among=["alice", "bob", "alice"]),
     "arrivals[0].among: names alice twice"),
    (process(among=["alice", "bob"]), "arrivals[0].among: 'among' restricts the ends drawn"),
    (process(start="10 s"), "arrivals[0].start: the window starts at 10 s, not before the end "
                            "of the run"),
    (process(stop="11 s"), "arrivals[0].stop: the window ends at 11 s, after the end"),
    (process(start="3 s", stop="2 s"), "arrivals[0].stop: the window is empty"),
    (process(pairs=True), "arrivals[0].pairs"),
    (process(kind="clock_sync"), "arrivals[0].kind: unknown kind 'clock_sync' for arrivals"),
    (process(kind="entanglment"), "arrivals[0].kind: unknown kind 'entanglment' (expected one "
                                  "of 'entanglement', 'teleportation', 'qkd', 'circuit', "
                                  "'sensing', 'clock_sync'); did you mean "
                                  "'entanglement'?"),
    ([process(), process(rate="2 Hz", Between=1)], "arrivals[1].Between: unknown key"),
    (process(rte=3) | {"between": "random"}, "arrivals[0].rte"),
    ("often", "arrivals: input should be a valid list"),
])
def test_mistakes_are_one_clean_error(arrivals: Any, expected: str) -> None:
    message = error_of(scenario(arrivals))
    assert message.startswith(expected), message
    assert "\n" not in message


def test_a_single_mapping_reports_the_path_of_its_one_entry() -> None:
    assert error_of(scenario({"process": "poisson", "rate": 0, "pairs": 1})).startswith(
        "arrivals[0].rate: must be > 0")


def test_a_written_request_may_not_take_a_generated_name() -> None:
    document = scenario([], requests=[{"kind": "entanglement", "between": ["alice", "bob"],
                                       "pairs": 1, "name": "arrivals[0]#2"}])
    assert error_of(document).startswith("requests[0].name: 'arrivals[0]#2' is the name of a "
                                         "request that 'arrivals' generate")
    named = copy.deepcopy(document)
    named["requests"][0]["name"] = "mine"
    assert parse_scenario(named).requests[0].name == "mine"


def test_too_many_requests_are_refused_with_the_memory_they_need() -> None:
    rate = 2 * MAX_GENERATED_REQUESTS / 10
    message = error_of(scenario(process(rate=f"{rate} Hz")))
    need = memory_needed(2 * MAX_GENERATED_REQUESTS) / 2**30
    assert message.startswith(f"arrivals: the arrivals would generate about "
                              f"{2 * MAX_GENERATED_REQUESTS:,} requests (rate x window), which "
                              f"would need about {need:,.3g} GiB")
    # the cap counts every process: two halves of it are fine, a third is not
    half = MAX_GENERATED_REQUESTS / 2 / 10
    parse_scenario(scenario([process(rate=f"{half} Hz", pairs=1)] * 2))
    assert error_of(scenario([process(rate=f"{half} Hz")] * 3)).startswith("arrivals: ")


def test_huge_and_infinite_rates_are_refused_cleanly() -> None:
    assert error_of(scenario(process(rate="1e300 Hz"))).startswith("arrivals: the arrivals "
                                                                   "would generate")
    assert error_of(scenario(process(rate="inf"))).startswith("arrivals[0].rate: must be "
                                                              "finite")


def test_the_dump_is_the_scenario_as_written() -> None:
    spec = parse_scenario(scenario([process(), process(between="random", process="periodic")],
                                   requests=[{"kind": "entanglement", "pairs": 1,
                                              "between": ["alice", "bob"]}]))
    dumped = spec.model_dump()
    assert len(dumped["requests"]) == 1 and len(spec.requests) > 1
    assert parse_scenario(dumped) == spec
    assert parse_scenario(spec.model_dump(mode="json")) == spec


def test_a_swept_rate_is_checked_as_the_field() -> None:
    document = scenario([process()], sweep={"parameters": {
        "arrivals[0].rate": {"values": ["1 Hz", "-1 Hz"]}}})
    assert error_of(document).startswith("sweep.parameters.arrivals[0].rate: must be > 0")
    document["sweep"]["parameters"]["arrivals[0].rate"] = {"values": ["1 Hz", "3 Hz"]}
    assert parse_scenario(document).sweep is not None
