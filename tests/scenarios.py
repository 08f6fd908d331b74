"""Small scenario documents as plain data, for tests."""

from __future__ import annotations

from typing import Any

import numpy as np


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


def max_geometric_moments(n: int, p: float) -> tuple[float, float]:
    """Mean and variance of the maximum of n i.i.d. Geometric(p) on {1, 2, ...}:
    E[M] = sum_t P(M > t), E[M^2] = sum_t (2t + 1) P(M > t), P(M > t) = 1 - (1 - q^t)^n."""
    t = np.arange(0, 200_000)
    tail = 1.0 - (1.0 - (1.0 - p) ** t) ** n
    mean = float(tail.sum())
    return mean, float(((2 * t + 1) * tail).sum()) - mean**2
