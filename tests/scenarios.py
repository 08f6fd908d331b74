"""Small scenario documents as plain data, for tests."""

from __future__ import annotations

from typing import Any


def two_node(link: dict[str, Any], *, pairs: int | None = None, **top: Any) -> dict[str, Any]:
    """A two-node scenario document around ``link`` (alice - bob)."""
    document: dict[str, Any] = {
        "qfab": 1, "name": "test", "seed": 1,
        "nodes": {"alice": {}, "bob": {}},
        "links": [{"between": ["alice", "bob"], **link}],
    }
    if pairs is not None:
        document["requests"] = [{"kind": "entanglement", "between": ["alice", "bob"],
                                 "pairs": pairs}]
    document.update(top)
    return document
