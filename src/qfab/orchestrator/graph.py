"""Plain-Python graph algorithms on an adjacency mapping (the orchestrator's own, so that
planning needs no graph library and scales with the network: no step copies a path per node).

An adjacency maps each node to its neighbours, ``{node: {neighbour: link index}}``, in the
order the links were added (the order networkx iterates them in, so the results here are the
ones :func:`networkx.shortest_simple_paths` gives, ties included).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

__all__ = ["Adjacency", "components", "has_path", "shortest_distance", "shortest_simple_paths"]

#: ``{node: {neighbour: link index}}``.
Adjacency = Mapping[str, Mapping[str, int]]


def has_path(adjacency: Adjacency, source: str, target: str) -> bool:
    """Whether a path of links joins ``source`` and ``target`` (breadth-first search)."""
    if source == target:
        return source in adjacency
    seen = {source}
    queue = deque([source])
    while queue:
        for neighbour in adjacency[queue.popleft()]:
            if neighbour == target:
                return True
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return False


def components(adjacency: Mapping[str, Iterable[str]], members: Iterable[str]
               ) -> Iterator[set[str]]:
    """Connected components of the subgraph induced by ``members``, in order of each
    component's first member.

    ``adjacency`` maps a node to its neighbours (any mapping whose values iterate over
    neighbour names, a networkx graph included).
    """
    inside = set(members)
    seen: set[str] = set()
    for start in members:
        if start in seen:
            continue
        component = {start}
        seen.add(start)
        queue = deque([start])
        while queue:
            for neighbour in adjacency[queue.popleft()]:
                if neighbour in inside and neighbour not in seen:
                    seen.add(neighbour)
                    component.add(neighbour)
                    queue.append(neighbour)
        yield component


def shortest_distance(adjacency: Adjacency, source: str, target: str,
                      cost: Callable[[int], float]) -> float:
    """Length of the shortest path from ``source`` to ``target`` (``inf`` if none).

    Dijkstra's algorithm from ``source``, stopped once ``target`` is settled: it visits only
    the nodes closer than ``target``. Lengths are summed from ``source`` on, link by link.

    Parameters
    ----------
    adjacency
        ``{node: {neighbour: link index}}``.
    source, target
        Nodes of ``adjacency``.
    cost
        Non-negative cost of a link, by its index.
    """
    if source == target:
        return 0.0
    settled: set[str] = set()
    best = {source: 0.0}
    heap = [(0.0, source)]
    while heap:
        dist, node = heapq.heappop(heap)
        if node in settled:
            continue
        if node == target:
            return dist
        settled.add(node)
        for neighbour, index in adjacency[node].items():
            if neighbour in settled:
                continue
            length = dist + cost(index)
            if length < best.get(neighbour, math.inf):
                best[neighbour] = length
                heapq.heappush(heap, (length, neighbour))
    return math.inf


class _NoPath(Exception):
    pass


def shortest_simple_paths(adjacency: Adjacency, source: str, target: str,
                          cost: Callable[[int], float]) -> Iterator[list[str]]:
    """Loop-free paths from ``source`` to ``target``, shortest first (Yen's algorithm).

    J. Y. Yen, "Finding the K Shortest Loopless Paths in a Network", Management Science 17,
    712 (1971). The steps and tie-breaking are those of networkx 3's
    ``shortest_simple_paths`` (bidirectional Dijkstra for each spur path), so both give the
    same paths in the same order; here the root lengths are prefix sums and the roots shared
    with earlier paths are found from common-prefix lengths, so the spur loop of a path of
    ``L`` nodes costs ``O(L)`` besides its searches rather than ``O(L^2)`` (in a chain every
    spur search ends at once).

    Parameters
    ----------
    adjacency
        ``{node: {neighbour: link index}}`` (undirected: each link listed at both ends).
    source, target
        The path's ends, different nodes of ``adjacency`` (no path is given when none
        joins them).
    cost
        Non-negative cost of a link, by its index.
    """
    found: list[list[str]] = []
    buffer = _PathBuffer()
    previous: list[str] | None = None
    while True:
        if previous is None:
            try:
                length, path = _bidirectional_dijkstra(adjacency, source, target, cost,
                                                       set(), set())
            except _NoPath:
                return
            buffer.push(length, path)
        else:
            # cost of previous[:i] for every i, summed left to right as a plain sum would
            prefix: list[float] = [0]
            for a, b in zip(previous, previous[1:]):
                prefix.append(prefix[-1] + cost(adjacency[a][b]))
            shared = [_common_prefix(path, previous) for path in found]
            ignore_nodes: set[str] = set()
            ignore_edges: set[tuple[str, str]] = set()
            for i in range(1, len(previous)):
                for path, common in zip(found, shared):
                    if common >= i:  # path[:i] == previous[:i]
                        ignore_edges.add((path[i - 1], path[i]))
                spur_node = previous[i - 1]
                try:
                    length, spur = _bidirectional_dijkstra(adjacency, spur_node, target, cost,
                                                           ignore_nodes, ignore_edges)
                    buffer.push(prefix[i - 1] + length, previous[:i - 1] + spur)
                except _NoPath:
                    pass
                ignore_nodes.add(spur_node)
        if not buffer:
            return
        path = buffer.pop()
        yield path
        found.append(path)
        previous = path


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class _PathBuffer:
    """Candidate paths by cost, first pushed first among equals; each path once."""

    def __init__(self) -> None:
        self._paths: set[tuple[str, ...]] = set()
        self._heap: list[tuple[float, int, list[str]]] = []
        self._counter = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, cost: float, path: list[str]) -> None:
        key = tuple(path)
        if key not in self._paths:
            heapq.heappush(self._heap, (cost, next(self._counter), path))
            self._paths.add(key)

    def pop(self) -> list[str]:
        _, _, path = heapq.heappop(self._heap)
        self._paths.remove(tuple(path))
        return path


def _bidirectional_dijkstra(adjacency: Adjacency, source: str, target: str,
                            cost: Callable[[int], float], ignore_nodes: set[str],
                            ignore_edges: set[tuple[str, str]]) -> tuple[float, list[str]]:
    """Shortest path avoiding ``ignore_nodes`` and ``ignore_edges`` (either orientation).

    Searches from both ends in turn (networkx's ``_bidirectional_dijkstra`` step for step);
    predecessors are kept instead of a path per node, and the path is built once at the end.

    Raises
    ------
    _NoPath
        If no such path exists.
    """
    if source in ignore_nodes or target in ignore_nodes:
        raise _NoPath
    if source == target:
        return 0, [source]
    if not _open(adjacency, source, ignore_nodes, ignore_edges):
        raise _NoPath  # a spur node whose every link is taken: the common case in a chain
    dists: tuple[dict[str, float], dict[str, float]] = ({}, {})
    seen: tuple[dict[str, float], dict[str, float]] = ({source: 0}, {target: 0})
    before: tuple[dict[str, str | None], dict[str, str | None]] = (
        {source: None}, {target: None})
    counter = itertools.count()
    fringe: tuple[list[tuple[float, int, str]], list[tuple[float, int, str]]] = (
        [(0, next(counter), source)], [(0, next(counter), target)])
    final_dist: float = 0
    meeting: tuple[str, str | None, str | None] | None = None
    direction = 1
    while fringe[0] and fringe[1]:
        direction = 1 - direction
        dist, _, v = heapq.heappop(fringe[direction])
        mine, other = dists[direction], dists[1 - direction]
        if v in mine:
            continue
        mine[v] = dist
        if v in other:
            assert meeting is not None
            return final_dist, _joined(before, meeting)
        seen_here, seen_there = seen[direction], seen[1 - direction]
        for w, index in adjacency[v].items():
            if w in ignore_nodes or (v, w) in ignore_edges or (w, v) in ignore_edges:
                continue
            length = dist + cost(index)
            if w in mine:
                if length < mine[w]:
                    raise ValueError("Contradictory paths found: negative weights?")
            elif w not in seen_here or length < seen_here[w]:
                seen_here[w] = length
                heapq.heappush(fringe[direction], (length, next(counter), w))
                before[direction][w] = v
                if w in seen_there:
                    total = seen_here[w] + seen_there[w]
                    if meeting is None or final_dist > total:
                        final_dist = total
                        # the predecessors on both sides are settled nodes: their chains
                        # no longer change, so the path through w is fixed now
                        meeting = (w, before[0][w], before[1][w])
    raise _NoPath


def _open(adjacency: Adjacency, node: str, ignore_nodes: set[str],
          ignore_edges: set[tuple[str, str]]) -> bool:
    """Whether ``node`` has a link the search may take."""
    return any(w not in ignore_nodes and (node, w) not in ignore_edges
               and (w, node) not in ignore_edges for w in adjacency[node])


def _joined(before: tuple[dict[str, Any], dict[str, Any]],
            meeting: tuple[str, str | None, str | None]) -> list[str]:
    """The path through ``meeting = (node, its forward predecessor, its backward one)``."""
    node, forward, backward = meeting
    head: list[str] = []
    step = forward
    while step is not None:
        head.append(step)
        step = before[0][step]
    head.reverse()
    tail: list[str] = []
    step = backward
    while step is not None:
        tail.append(step)
        step = before[1][step]
    return [*head, node, *tail]
