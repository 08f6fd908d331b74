"""The availability schedule of a link: parsing and errors that name the YAML path."""

from __future__ import annotations

from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from tests.scenarios import two_node


def _document(availability: Any, **link: Any) -> dict[str, Any]:
    return two_node({"kind": "double_click", "cycle_time": "1 ms", "availability": availability,
                     **link})


def test_schedule_is_parsed_in_seconds() -> None:
    spec = parse_scenario(_document({"period": "60 s", "up": "10 s", "offset": "5 s"}))
    availability = spec.links[0].availability
    assert availability is not None
    assert (availability.period, availability.up, availability.offset) == (60.0, 10.0, 5.0)
    assert parse_scenario(_document(None)).links[0].availability is None


@pytest.mark.parametrize("kind", [
    {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1},
    {"kind": "single_click", "bright_state": 0.1},
    {"kind": "double_click"},
])
def test_every_link_kind_takes_a_schedule(kind: dict[str, Any]) -> None:
    spec = parse_scenario(_document({"period": "60 s", "up": "10 s"}, **kind))
    assert spec.links[0].availability is not None


@pytest.mark.parametrize(("availability", "message"), [
    ({"period": "60 s", "up": "70 s"},
     r"^links\[0\]\.availability: up must be <= period, got up = 70 s and period = 60 s$"),
    ({"period": "60 s", "up": "0 s"}, r"^links\[0\]\.availability\.up: must be > 0"),
    ({"period": "-1 s", "up": "1 s"}, r"^links\[0\]\.availability\.period: must be > 0"),
    ({"period": "60 s", "up": "10 s", "offset": "60 s"},
     r"^links\[0\]\.availability: offset must be < period"),
    ({"period": "60 s", "up": "10 s", "offset": "-1 s"},
     r"^links\[0\]\.availability\.offset: must be >= 0"),
    ({"up": "10 s"}, r"^links\[0\]\.availability\.period: required"),
    ({"period": "60 s", "up": "10 s", "phase": "1 s"},
     r"^links\[0\]\.availability\.phase: unknown key"),
    ({"period": "10 ms", "up": "9.5 ms"},
     (r"^links\[0\]\.availability: the link is down for 0\.0005 s, shorter than one attempt "
      r"period \(0\.001 s\)")),
])
def test_bad_schedule_names_its_path(availability: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(_document(availability))
