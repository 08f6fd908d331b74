"""Paths into a scenario document: ``links[0].detector.efficiency``, ``nodes.alice.memory.t2``.

A path is a key, followed by ``.key`` (a mapping key) or ``[i]`` (a list index) any number of
times; this is how :class:`~qfab.errors.ScenarioError` names places in a scenario, so an error
message and a sweep parameter use the same spelling.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Collection
from typing import Any

__all__ = ["parse_path", "format_path", "set_path", "unaliased"]

Segment = str | int

_KEY = re.compile(r"[^.\[\]]+")
_INDEX = re.compile(r"\[(\d+)\]")


def parse_path(text: str) -> tuple[Segment, ...]:
    """Split a path into mapping keys (str) and list indices (int).

    Raises
    ------
    ValueError
        If ``text`` is not a path.

    Examples
    --------
    >>> parse_path("links[0].detector.efficiency")
    ('links', 0, 'detector', 'efficiency')
    """
    segments: list[Segment] = []
    position = 0
    while position < len(text):
        if text[position] == "[":
            match = _INDEX.match(text, position)
            if match is None or not segments:
                break
            segments.append(int(match.group(1)))
        else:
            start = position + 1 if segments and text[position] == "." else position
            if segments and start == position:
                break  # a key must follow a '.'
            match = _KEY.match(text, start)
            if match is None:
                break
            segments.append(match.group(0).strip())
        position = match.end()
    else:
        if segments:
            return tuple(segments)
    raise ValueError(f"cannot read {text!r} as a path into the scenario "
                     "(write e.g. links[0].detector.efficiency or nodes.alice.memory.t2)")


def format_path(segments: tuple[Segment, ...]) -> str:
    """The inverse of :func:`parse_path`."""
    text = ""
    for segment in segments:
        if isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else segment
    return text


def set_path(document: dict[str, Any], path: str, value: Any, *,
             creatable: Collection[str] = ()) -> None:
    """Set the entry at ``path`` in ``document`` (in place).

    Mapping keys along the way must exist, except keys named in ``creatable`` (the field names
    of the scenario format): those are created, so a sweep can vary a parameter the scenario
    leaves at its default (``links[0].detector.dark_count_rate`` without a ``detector``
    section). List indices must be in range.

    Raises
    ------
    ValueError
        Naming the problem (unknown key, index out of range, not a mapping or a list).
    """
    segments = parse_path(path)
    node: Any = document
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        here = format_path(segments[:depth]) or "the scenario"
        if isinstance(segment, int):
            if not isinstance(node, list):
                raise ValueError(f"{here} is {_kind(node)}, not a list")
            if segment >= len(node):
                raise ValueError(f"index {segment} out of range: {here} has {len(node)} "
                                 f"entr{'y' if len(node) == 1 else 'ies'}")
            if last:
                node[segment] = value
            else:
                node = _descend(node, segment, segments[depth + 1])
            continue
        if not isinstance(node, dict):
            raise ValueError(f"{here} is {_kind(node)}, not a mapping")
        if segment not in node and segment not in creatable:
            known = [str(key) for key in node]
            close = difflib.get_close_matches(segment, known + list(creatable), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listed = f" (it has {', '.join(known)})" if known else ""
            raise ValueError(f"unknown key {segment!r} in {here}{listed}{hint}")
        if last:
            node[segment] = value
        else:
            node = _descend(node, segment, segments[depth + 1])


def _descend(node: Any, segment: Segment, following: Segment) -> Any:
    """Step into ``node[segment]``, creating an empty mapping for a missing or null section."""
    if isinstance(node, list) and isinstance(segment, int):
        child = node[segment]
    else:
        child = node.get(segment)
    if child is None and isinstance(following, str):
        child = node[segment] = {}
    return child


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"a string ({value!r})"
    return f"a {type(value).__name__} ({value!r})"


def unaliased(value: Any) -> Any:
    """A deep copy of plain YAML data in which no mapping or list is shared (a YAML alias
    becomes a copy of its anchor), so that setting a value at one path changes only that path;
    a self-referencing document is copied as it is."""
    def copied(item: Any) -> Any:
        if isinstance(item, dict):
            return {key: copied(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [copied(inner) for inner in item]
        return copy.deepcopy(item)
    try:
        return copied(value)
    except RecursionError:
        return copy.deepcopy(value)
