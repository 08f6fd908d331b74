"""Paths into a scenario document: parsing, setting, and the errors that name the problem."""

from __future__ import annotations

from typing import Any

import pytest

from qfab.spec.paths import format_path, parse_path, set_path


@pytest.mark.parametrize(("text", "segments"), [
    ("links[0].length", ("links", 0, "length")),
    ("nodes.alice.memory.t2", ("nodes", "alice", "memory", "t2")),
    ("requests[1].pairs", ("requests", 1, "pairs")),
    ("links[0].detector.dark_count_rate", ("links", 0, "detector", "dark_count_rate")),
    ("duration", ("duration",)),
    ("grid[2][3]", ("grid", 2, 3)),
])
def test_paths_parse_and_format_back(text: str, segments: tuple[Any, ...]) -> None:
    assert parse_path(text) == segments
    assert format_path(segments) == text


@pytest.mark.parametrize("text", ["", "links[0", "[0].length", "links..length", "links[0]length",
                                  "links[-1].length", "links[a]", ".links"])
def test_malformed_paths_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse_path(text)


def _document() -> dict[str, Any]:
    return {"nodes": {"alice": {"memory": {"t2": 1.0}}, "bob": {}},
            "links": [{"length": "25 km", "fiber": {"attenuation": "0.2 dB/km"}}]}


def test_set_replaces_mapping_keys_and_list_entries() -> None:
    document = _document()
    set_path(document, "links[0].length", 5000.0)
    set_path(document, "nodes.alice.memory.t2", "1 ms")
    set_path(document, "links[0]", {"length": 1.0})
    assert document["nodes"]["alice"]["memory"]["t2"] == "1 ms"
    assert document["links"] == [{"length": 1.0}]


def test_set_creates_missing_sections_named_by_known_fields() -> None:
    """A swept parameter the scenario leaves at its default is added with its section."""
    document = _document()
    creatable = {"detector", "dark_count_rate", "memory", "t2"}
    set_path(document, "links[0].detector.dark_count_rate", "10 Hz", creatable=creatable)
    set_path(document, "nodes.bob.memory.t2", "1 s", creatable=creatable)
    assert document["links"][0]["detector"] == {"dark_count_rate": "10 Hz"}
    assert document["nodes"]["bob"] == {"memory": {"t2": "1 s"}}


@pytest.mark.parametrize(("path", "message"), [
    ("links[1].length", "index 1 out of range: links has 1 entry"),
    ("nodes.alicee.memory.t2", "unknown key 'alicee' in nodes .*did you mean 'alice'"),
    ("links[0].lenght", "unknown key 'lenght' in links\\[0\\].*did you mean 'length'"),
    ("links.length", "links is a list, not a mapping"),
    ("nodes[0]", "nodes is a mapping, not a list"),
    ("links[0].length.unit", "links\\[0\\].length is a string .*not a mapping"),
])
def test_bad_paths_name_the_problem(path: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        set_path(_document(), path, 1.0, creatable={"detector"})
