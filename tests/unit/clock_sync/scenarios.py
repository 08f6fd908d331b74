"""Scenarios shared by the clock-sync tests."""

from __future__ import annotations

import copy
from typing import Any

from qfab.physics.timetransfer import GROUP_INDEX_SMF28, SPEED_OF_LIGHT

#: The speed of light in SMF28 at 1550 nm (group index 1.4682).
SMF28_SPEED = SPEED_OF_LIGHT / GROUP_INDEX_SMF28


def clock_sync_document(**request: Any) -> dict[str, Any]:
    """A 20 km fiber link between a and b and one clock-sync request (fields overridden by
    ``request``)."""
    written: dict[str, Any] = {
        "kind": "clock_sync", "between": ["a", "b"],
        "source": {"pair_rate": "20 kHz", "correlation_time": "1 ps",
                   "local_efficiency": 0.5},
        "averaging_time": "8 s", "target": "1 ps", "duration": "64 s",
        "tagger": {"resolution": "10 ps"}, "window": "2 ns",
    }
    written.update(request)
    return {
        "qfab": 1, "name": "clock-sync-test", "engine": "analytic",
        "nodes": {"a": {}, "b": {}},
        "links": [{"kind": "fiber", "between": ["a", "b"], "length": "20 km",
                   "fiber": {"attenuation": "0.25 dB/km", "speed": SMF28_SPEED},
                   "detector": {"efficiency": 0.6, "jitter": "60 ps",
                                "dark_count_rate": "200 Hz"}}],
        "requests": [written],
    }


def edited(document: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    """A deep copy of ``document`` with ``value`` at ``path``."""
    copied = copy.deepcopy(document)
    node: Any = copied
    for key in path[:-1]:
        node = node[key]
    if isinstance(node, list) and path[-1] == len(node):
        node.append(value)
    else:
        node[path[-1]] = value
    return copied
