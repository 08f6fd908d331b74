"""Bad scenarios give one ScenarioError naming the YAML path and the reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.loading import load_scenario, parse_scenario

Edit = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


CASES: list[tuple[str, Edit, str]] = [
    ("unknown top-level key", _set(["duraton"], 3),
     r"^duraton: unknown key 'duraton'; did you mean 'duration'\?$"),
    ("a key of another section is not suggested", _set(["lenght"], 3),
     r"^lenght: unknown key 'lenght' \(keys here: .*duration.*\)$"),
    ("a node key is suggested only from node keys", _set(["nodes", "alice", "colour"], "red"),
     r"^nodes\.alice\.colour: unknown key 'colour' "
     r"\(keys here: clock, gates, interface, location, memory, qpu, tier\)$"),
    ("a key of another link kind", _set(["links", 0, "fidelity"], 0.9),
     r"^links\[0\]\.fidelity: unknown key 'fidelity' for kind 'single_click' \(it belongs "
     r"to another kind: 'depolarizing', 'chip_to_chip'\)$"),
    ("unknown nested key", _set(["links", 0, "detector", "efficency"], 1),
     r"^links\[0\]\.detector\.efficency: unknown key .*did you mean 'efficiency'"),
    ("misspelled kind", _set(["links", 0, "kind"], "single_clik"),
     r"^links\[0\]: unknown kind 'single_clik' .*did you mean 'single_click'"),
    ("link to a missing node", _set(["links", 0, "between"], ["alice", "carol"]),
     r"^links\[0\]\.between: unknown node 'carol'"),
    ("efficiency above 1", _set(["links", 0, "detector", "efficiency"], 1.3),
     r"^links\[0\]\.detector\.efficiency: must be <= 1(\.0)?, got 1\.3$"),
    ("negative length", _set(["links", 0, "length"], "-5 km"),
     r"^links\[0\]\.length: must be >= 0"),
    ("unit of the wrong dimension", _set(["links", 0, "length"], "5 Hz"),
     r"^links\[0\]\.length: unit 'Hz' is a frequency, expected a length"),
    ("request to a missing node", _set(["requests", 0, "between"], ["alice", "zoe"]),
     r"^requests\[0\]\.between: unknown node 'zoe'"),
    ("zero pairs", _set(["requests", 0, "pairs"], 0), r"^requests\[0\]\.pairs: must be >= 1"),
    ("t2 above twice t1", _set(["nodes", "alice"], {"memory": {"t1": "1 s", "t2": "3 s"}}),
     r"^nodes\.alice\.memory: t2 must be <= 2 t1"),
    ("wrong format version", _set(["qfab"], 2), r"^qfab: must be one of 1"),
]


@pytest.mark.parametrize(("name", "edit", "message"), CASES, ids=[case[0] for case in CASES])
def test_bad_field_is_named(name: str, edit: Edit, message: str,
                            single_click_document: dict[str, Any]) -> None:
    edit(single_click_document)
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(single_click_document)


def test_fidelity_below_a_quarter_is_rejected(depolarizing_document: dict[str, Any]) -> None:
    depolarizing_document["links"][0]["fidelity"] = 0.2
    with pytest.raises(ScenarioError, match=r"^links\[0\]\.fidelity: must be >= 0\.25, got 0\.2$"):
        parse_scenario(depolarizing_document)


def test_missing_version_says_what_to_write(depolarizing_document: dict[str, Any]) -> None:
    del depolarizing_document["qfab"]
    with pytest.raises(ScenarioError, match="qfab: required .*'qfab: 1'"):
        parse_scenario(depolarizing_document)


def test_zero_period_is_rejected(depolarizing_document: dict[str, Any]) -> None:
    link = {"kind": "double_click", "between": ["alice", "bob"]}
    depolarizing_document["links"] = [link]
    with pytest.raises(
        ScenarioError, match=r"^links\[0\]: cycle_time must be > 0 when length is 0"
    ):
        parse_scenario(depolarizing_document)


@pytest.mark.parametrize("document", [[1, 2], "text", None, 3])
def test_document_must_be_a_mapping(document: Any) -> None:
    with pytest.raises(ScenarioError, match="a scenario must be a mapping"):
        parse_scenario(document)


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("qfab: 1\nnodes: {alice: [\n")
    with pytest.raises(ScenarioError, match="not valid YAML at line"):
        load_scenario(path)


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "absent.yaml")
