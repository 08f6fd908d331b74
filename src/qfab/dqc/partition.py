"""Partitioning a circuit over QPUs at the least e-bit cost.

Cost model
----------
A gate between qubits on two QPUs consumes entangled pairs (e-bits). Following Eisert et al.,
PRA 62, 052317 (2000), a qubit ``u`` that controls several gates with qubits on QPU ``b``,
with nothing between them that fails to commute with Z on ``u``, shares one *cat-entangled*
copy with ``b``: one e-bit (``cat_entangle``), used by all those gates, then undone by a
measurement and a classical bit (``cat_disentangle``, no e-bit). So each qubit's timeline is
cut into *segments* at its non-diagonal operations (H, X, measurement, being the target of a
CNOT, ...), and the cost of a placement is the number of (segment, remote QPU) pairs that
must be cat-entangled to cover every non-local gate. A diagonal two-qubit gate (CZ, CP, CRZ,
RZZ) may be covered from either side; a controlled gate (CX, CY, CH, CRX, Toffoli, ...) from
its controls, executed on its target's QPU; a diagonal gate on three or more qubits (CCZ,
multi-controlled Z) runs on the QPU that holds most of its qubits. For each pair of QPUs the
choices form a bipartite graph (one side per QPU, one edge per gate); its minimum vertex
cover, found exactly by König's theorem (a maximum matching), is the least number of
cat-entanglements.
A segment whose cat must reach several QPUs is distributed along a Steiner tree of the link
graph (one e-bit per tree edge; a star, one e-bit per QPU, when all QPUs are linked).

*Teleportation where cheaper*: when three or more cat-entanglements of one qubit go to the
same QPU ``b`` within a stretch in which every multi-qubit gate of that qubit has its
partners on ``b`` (and ``b`` has a free data slot then), the qubit is teleported to ``b`` and
back instead: two e-bits per link crossed (Bennett et al., PRL 70, 1895 (1993)). Gates that no
cat can serve (SWAP, iSWAP, RXX, ECR, a second target) also teleport a qubit there and back.

Partitioner
-----------
:func:`partition` builds a hypergraph (a vertex per qubit, a net per segment joining the
qubit to its partners) and partitions it with Mt-KaHyPar (``mtkahypar`` wheels, connectivity
minus one objective, block weights at most the QPU capacities), for a few seeds; it also
scores the contiguous placements (qubit order, filled and balanced) and keeps the placement
of least exact cost under the model above (:func:`evaluate`).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from qfab.dqc.circuits import Circuit
from qfab.errors import QfabError

__all__ = ["NonLocalOp", "Partition", "PartitionError", "contiguous_placement", "evaluate",
           "joining_links", "partition"]


class PartitionError(QfabError):
    """A partitioning problem that cannot be solved (too few QPU slots, a bad link graph)."""


#: Single-qubit operations diagonal in Z: they do not end a qubit's segment.
_DIAGONAL_1Q = frozenset({"id", "z", "s", "sdg", "t", "tdg", "rz", "p", "u1"})
#: Two-qubit gates diagonal on both qubits (coverable from either side).
_SYMMETRIC_2Q = frozenset({"cz", "cp", "cu1", "crz", "rzz", "ccz", "mcz"})
#: Gates whose qubits but the last are controls and whose last qubit is the target.
_CONTROLLED = frozenset({"cx", "cy", "ch", "crx", "cry", "cu", "cu3", "ccx", "mcx"})
#: Gates diagonal on every qubit (the target does not end its segment either).
_ALL_DIAGONAL = frozenset({"cz", "cp", "cu1", "crz", "rzz", "ccz", "mcz"})


@dataclass(frozen=True, slots=True)
class NonLocalOp:
    """One communication operation of a distributed circuit.

    ``kind`` is ``cat`` (cat-entangle ``qubit`` from its QPU ``home`` to ``remotes`` for the
    ``gates`` of one segment, then disentangle) or ``teleport`` (teleport ``qubit`` to the
    single remote QPU, run ``gates`` there, teleport it back). ``links`` lists the QPU pairs
    whose e-bits it consumes, one entry per e-bit (``ebits == len(links)``).
    """

    kind: Literal["cat", "teleport"]
    qubit: int
    home: int
    remotes: tuple[int, ...]
    gates: tuple[int, ...]
    links: tuple[tuple[int, int], ...]

    @property
    def ebits(self) -> int:
        """The e-bits the operation consumes."""
        return len(self.links)


@dataclass(frozen=True, slots=True)
class Partition:
    """A placement of a circuit's qubits on QPUs with the communication it needs."""

    circuit: Circuit
    capacities: tuple[int, ...]
    placement: tuple[int, ...]
    operations: tuple[NonLocalOp, ...]
    links: tuple[tuple[int, int], ...]
    method: str = "given"

    @property
    def qpus(self) -> int:
        """The number of QPUs."""
        return len(self.capacities)

    @property
    def ebits(self) -> int:
        """The e-bits the distributed circuit consumes."""
        return sum(operation.ebits for operation in self.operations)

    def ebits_per_link(self) -> dict[tuple[int, int], int]:
        """E-bits consumed on each link ``(a, b)``, ``a < b`` (links with none left out)."""
        counts: dict[tuple[int, int], int] = defaultdict(int)
        for operation in self.operations:
            for link in operation.links:
                counts[link] += 1
        return dict(sorted(counts.items()))


def contiguous_placement(sizes: Sequence[int]) -> tuple[int, ...]:
    """Qubits in order in blocks of the given sizes: ``[2, 1] -> (0, 0, 1)``."""
    return tuple(block for block, size in enumerate(sizes) for _ in range(size))


def joining_links(qpus: int, links: Sequence[tuple[int, int]]
                  ) -> Sequence[tuple[int, int]] | None:
    """``links`` when they join all ``qpus`` QPUs, else ``None`` (count e-bits per QPU pair,
    as when every pair is linked: pairs between QPUs the links do not join come through
    other nodes)."""
    import networkx as nx  # noqa: PLC0415 (imported with the partitioner only)

    graph = nx.Graph()
    graph.add_nodes_from(range(qpus))
    graph.add_edges_from(links)
    return links if qpus > 1 and nx.is_connected(graph) else None


def _link_graph(qpus: int, links: Sequence[tuple[int, int]] | None) -> Any:
    import networkx as nx  # noqa: PLC0415 (imported with the partitioner only)

    graph = nx.Graph()
    graph.add_nodes_from(range(qpus))
    if links is None:
        graph.add_edges_from((a, b) for a in range(qpus) for b in range(a + 1, qpus))
    else:
        for a, b in links:
            if not (0 <= a < qpus and 0 <= b < qpus) or a == b:
                raise PartitionError(f"link ({a}, {b}) does not join two of the {qpus} QPUs")
            graph.add_edge(a, b)
        if qpus > 1 and not nx.is_connected(graph):
            raise PartitionError("the links do not connect all QPUs")
    return graph


def _edge(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


class _Router:
    """Steiner trees and paths on the link graph, cached by terminal set."""

    def __init__(self, graph: Any, complete: bool) -> None:
        self._graph = graph
        self._complete = complete
        self._trees: dict[frozenset[int], tuple[tuple[int, int], ...]] = {}

    def tree(self, terminals: frozenset[int], root: int) -> tuple[tuple[int, int], ...]:
        """Edges of a Steiner tree spanning ``terminals`` (``root`` among them)."""
        if self._complete:
            return tuple(_edge(root, other) for other in sorted(terminals - {root}))
        cached = self._trees.get(terminals)
        if cached is None:
            import networkx as nx  # noqa: PLC0415

            if len(terminals) == 2:
                a, b = sorted(terminals)
                path = nx.shortest_path(self._graph, a, b)
                cached = tuple(_edge(x, y) for x, y in zip(path, path[1:]))
            else:
                tree = nx.algorithms.approximation.steiner_tree(self._graph, list(terminals))
                cached = tuple(sorted(_edge(x, y) for x, y in tree.edges()))
            self._trees[terminals] = cached
        return cached


def evaluate(circuit: Circuit, placement: Sequence[int], capacities: Sequence[int] | int,
             links: Sequence[tuple[int, int]] | None = None, *, teleport: bool = True,
             method: str = "given") -> Partition:
    """The communication a placement needs, under the cost model of this module.

    Parameters
    ----------
    circuit
        The circuit.
    placement
        QPU index of each qubit.
    capacities
        Data qubits of each QPU (one number: the number of QPUs is ``max(placement) + 1``).
    links
        QPU pairs joined by a link (``None``: all pairs).
    teleport
        Whether to replace runs of cat-entanglements by teleportation where cheaper.

    Raises
    ------
    PartitionError
        For a placement of the wrong length or one that overfills a QPU.

    Examples
    --------
    >>> from qfab.dqc.circuits import load_circuit
    >>> evaluate(load_circuit("ghz:6"), contiguous_placement([2, 2, 2]), 2).ebits
    2
    """
    placement = tuple(int(block) for block in placement)
    if isinstance(capacities, int):
        capacities = (capacities,) * (max(placement, default=0) + 1)
    capacities = tuple(capacities)
    qpus = len(capacities)
    if len(placement) != circuit.num_qubits:
        raise PartitionError(f"placement has {len(placement)} entries, the circuit "
                             f"{circuit.num_qubits} qubits")
    load = [0] * qpus
    for block in placement:
        if not 0 <= block < qpus:
            raise PartitionError(f"placement names QPU {block}, outside 0..{qpus - 1}")
        load[block] += 1
    for block, (used, size) in enumerate(zip(load, capacities)):
        if used > size:
            raise PartitionError(f"QPU {block} holds {used} qubits, more than its capacity "
                                 f"{size}")
    graph = _link_graph(qpus, links)
    complete = links is None or graph.number_of_edges() == qpus * (qpus - 1) // 2
    router = _Router(graph, complete)
    edge_list = tuple(sorted(_edge(a, b) for a, b in graph.edges()))

    # cover vertices are (qubit, segment, remote QPU); dummies ("gate", index) serve one gate
    pair_edges: dict[tuple[int, int], list[tuple[Any, Any, int]]] = defaultdict(list)
    forced: list[tuple[tuple[int, int, int], int]] = []  # (vertex, gate): the only cover
    teleports: list[NonLocalOp] = []
    segment = [0] * circuit.num_qubits
    for index, gate in enumerate(circuit.gates):
        qubits = gate.qubits
        name = gate.name
        if len(qubits) >= 2:
            if name in _SYMMETRIC_2Q and len(qubits) == 2:
                u, v = qubits
                if placement[u] != placement[v]:
                    vertex_u = (u, segment[u], placement[v])
                    vertex_v = (v, segment[v], placement[u])
                    key = _edge(placement[u], placement[v])
                    if placement[u] > placement[v]:
                        vertex_u, vertex_v = vertex_v, vertex_u
                    pair_edges[key].append((vertex_u, vertex_v, index))
            elif name in _CONTROLLED:
                where = placement[qubits[-1]]  # runs where its target is
                for control in qubits[:-1]:
                    if placement[control] != where:
                        forced.append(((control, segment[control], where), index))
            elif name in _SYMMETRIC_2Q:  # diagonal on 3+ qubits: runs where most of them are
                where = _most_common([placement[q] for q in qubits])
                for qubit in qubits:
                    if placement[qubit] != where:
                        forced.append(((qubit, segment[qubit], where), index))
            else:  # no cat serves it: teleport the first qubit to the last one's QPU and back
                where = placement[qubits[-1]]
                for other in qubits[:-1]:
                    if placement[other] != where:
                        path = router.tree(frozenset({placement[other], where}),
                                           placement[other])
                        teleports.append(NonLocalOp("teleport", other, placement[other],
                                                    (where,), (index,), path + path))
        _end_segments(name, qubits, segment)  # at operations not diagonal on a qubit

    covered: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for vertex, index in forced:
        covered[vertex].append(index)
    forced_vertices = set(covered)
    for edges in pair_edges.values():
        for vertex, gate_index in _cover(edges, forced_vertices):
            covered[vertex].append(gate_index)

    # group by segment: one cat per (qubit, segment), to every remote QPU it needs
    segments: dict[tuple[int, int], dict[int, list[int]]] = defaultdict(dict)
    for (qubit, seg, remote), gate_indices in covered.items():
        segments[(qubit, seg)][remote] = sorted(gate_indices)
    cats: list[NonLocalOp] = []
    for (qubit, _seg), by_remote in sorted(segments.items()):
        home = placement[qubit]
        remotes = tuple(sorted(by_remote))
        segment_gates = tuple(sorted({g for served in by_remote.values() for g in served}))
        tree = router.tree(frozenset({home, *remotes}), home)
        cats.append(NonLocalOp("cat", qubit, home, remotes, segment_gates, tree))
    if teleport:
        cats = _teleport_where_cheaper(circuit, placement, capacities, load, cats, router)
    operations = tuple(sorted(cats + teleports, key=lambda op: (op.gates[0], op.qubit)))
    return Partition(circuit, capacities, placement, operations, edge_list, method)


def _most_common(blocks: list[int]) -> int:
    """The QPU that holds most of a gate's qubits (ties: the one of the last qubit)."""
    counts: dict[int, int] = defaultdict(int)
    for block in blocks:
        counts[block] += 1
    best = max(counts.values())
    return next(block for block in reversed(blocks) if counts[block] == best)


def _cover(edges: list[tuple[Any, Any, int]], forced: set[tuple[int, int, int]]
           ) -> list[tuple[Any, int]]:
    """For one QPU pair: which vertex serves each gate, from a minimum vertex cover.

    Vertices already cat-entangled for a controlled gate (``forced``) cost nothing more, so
    gates they can serve are taken out before the cover is computed.
    """
    from networkx.algorithms import bipartite  # noqa: PLC0415

    assigned: list[tuple[Any, int]] = []
    rest: list[tuple[Any, Any, int]] = []
    for left, right, index in edges:
        if left in forced:
            assigned.append((left, index))
        elif right in forced:
            assigned.append((right, index))
        else:
            rest.append((left, right, index))
    if not rest:
        return assigned
    import networkx as nx  # noqa: PLC0415

    graph = nx.Graph()
    lefts = {("L", left) for left, _, _ in rest}
    graph.add_nodes_from(lefts)
    graph.add_edges_from((("L", left), ("R", right)) for left, right, _ in rest)
    matching = bipartite.hopcroft_karp_matching(graph, top_nodes=lefts)
    cover = bipartite.to_vertex_cover(graph, matching, top_nodes=lefts)
    for left, right, index in rest:
        assigned.append((left, index) if ("L", left) in cover else (right, index))
    return assigned


def _teleport_where_cheaper(circuit: Circuit, placement: tuple[int, ...],
                            capacities: tuple[int, ...], load: list[int],
                            cats: list[NonLocalOp], router: _Router) -> list[NonLocalOp]:
    """Replace three or more single-destination cats of a qubit to one QPU by a teleport
    there and back, where every multi-qubit gate of the qubit in that stretch is with that
    QPU and the QPU has a free data slot for the whole stretch."""
    runs: dict[tuple[int, int], list[NonLocalOp]] = defaultdict(list)
    for cat in cats:
        if len(cat.remotes) == 1:
            runs[(cat.qubit, cat.remotes[0])].append(cat)
    if not any(len(run) >= 3 for run in runs.values()):
        return cats
    by_qubit: dict[int, list[int]] = defaultdict(list)
    for index, gate in enumerate(circuit.gates):
        if len(gate.qubits) >= 2:
            for qubit in gate.qubits:
                by_qubit[qubit].append(index)
    visits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    replaced: set[int] = set()
    result: list[NonLocalOp] = []
    for (qubit, remote), run in sorted(runs.items()):
        if len(run) < 3:
            continue
        run.sort(key=lambda op: op.gates[0])
        start, end = run[0].gates[0], run[-1].gates[-1]
        cost = 2 * len(router.tree(frozenset({placement[qubit], remote}), placement[qubit]))
        if cost >= sum(op.ebits for op in run):
            continue
        window = [g for g in by_qubit[qubit] if start <= g <= end]
        if any(placement[other] != remote for g in window for other in circuit.gates[g].qubits
               if other != qubit):
            continue
        overlapping = sum(1 for a, b in visits[remote] if a <= end and start <= b)
        if load[remote] + overlapping + 1 > capacities[remote]:
            continue
        visits[remote].append((start, end))
        replaced.update(id(op) for op in run)
        path = router.tree(frozenset({placement[qubit], remote}), placement[qubit])
        served = tuple(index for index in range(start, end + 1)
                       if qubit in circuit.gates[index].qubits)
        result.append(NonLocalOp("teleport", qubit, placement[qubit], (remote,), served,
                                 path + path))
    return [op for op in cats if id(op) not in replaced] + result


@functools.cache
def _mtkahypar(threads: int) -> Any:
    """Mt-KaHyPar's initializer (the library allows one per process)."""
    try:
        import mtkahypar  # noqa: PLC0415 (optional)
    except ImportError:
        raise PartitionError("partitioning needs Mt-KaHyPar (pip install 'qfab[dqc]')") from None
    return mtkahypar.initialize(threads, False)


def _hyperedges(circuit: Circuit) -> tuple[list[list[int]], list[int]]:
    """Nets of the hypergraph: each segment's qubit with its partners, weighted by count."""
    nets: dict[tuple[int, int], set[int]] = defaultdict(set)
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    segment = [0] * circuit.num_qubits
    for gate in circuit.gates:
        qubits = gate.qubits
        name = gate.name
        if len(qubits) >= 2:
            if name in _SYMMETRIC_2Q and len(qubits) == 2:
                u, v = qubits
                nets[(u, segment[u])].add(v)
                nets[(v, segment[v])].add(u)
            elif name in _CONTROLLED or name in _SYMMETRIC_2Q:
                for control in qubits[:-1]:
                    nets[(control, segment[control])].update(qubits[-1:])
            else:
                for other in qubits[:-1]:
                    pairs[_edge(other, qubits[-1])] += 2
        _end_segments(name, qubits, segment)
    weights: dict[tuple[int, ...], int] = defaultdict(int)
    for (qubit, _), partners in nets.items():
        weights[tuple(sorted({qubit, *partners}))] += 1
    for pair, weight in pairs.items():
        weights[pair] += weight
    edges = [list(pins) for pins in weights]
    return edges, list(weights.values())


def partition(circuit: Circuit, qpus: int, capacity: int | Sequence[int] | None = None,
              links: Sequence[tuple[int, int]] | None = None, *, seeds: int = 3,
              threads: int = 1) -> Partition:
    """Place a circuit's qubits on ``qpus`` QPUs at the least e-bit cost found.

    Parameters
    ----------
    circuit
        The circuit.
    qpus
        Number of QPUs.
    capacity
        Data qubits per QPU (one number for all, or one each; default: just enough,
        ``ceil(n / qpus)``).
    links
        QPU pairs joined by a link (``None``: all pairs).
    seeds
        Mt-KaHyPar runs (seeds 0, 1, ...); the best is kept.
    threads
        Threads of Mt-KaHyPar.

    Raises
    ------
    PartitionError
        When the QPUs hold fewer qubits than the circuit has, or the links are bad.
    """
    n = circuit.num_qubits
    if qpus < 1:
        raise PartitionError(f"needs at least one QPU, got {qpus}")
    if capacity is None:
        capacities = (math.ceil(n / qpus),) * qpus
    elif isinstance(capacity, int):
        capacities = (capacity,) * qpus
    else:
        capacities = tuple(int(size) for size in capacity)
        if len(capacities) != qpus:
            raise PartitionError(f"{len(capacities)} capacities for {qpus} QPUs")
    if any(size < 0 for size in capacities):
        raise PartitionError("capacities must be >= 0")
    if sum(capacities) < n:
        raise PartitionError(f"the circuit has {n} qubits but {qpus} QPUs hold only "
                             f"{sum(capacities)}")
    _link_graph(qpus, links)  # validates the links
    candidates = [("contiguous, filled", _filled(n, capacities)),
                  ("contiguous, balanced", _balanced(n, capacities))]
    if qpus > 1 and n > 1:
        candidates += [(f"mtkahypar seed {seed}", block)
                       for seed, block in enumerate(_kahypar(circuit, capacities, seeds,
                                                             threads))]
    best: Partition | None = None
    for method, placement in candidates:
        if placement is None:
            continue
        result = evaluate(circuit, placement, capacities, links, method=method)
        if best is None or result.ebits < best.ebits:
            best = result
    assert best is not None  # the filled contiguous placement always exists
    return best


def _filled(n: int, capacities: tuple[int, ...]) -> tuple[int, ...]:
    """Qubits in order, each QPU filled to its capacity before the next."""
    sizes: list[int] = []
    left = n
    for size in capacities:
        sizes.append(min(size, left))
        left -= sizes[-1]
    return contiguous_placement(sizes)


def _balanced(n: int, capacities: tuple[int, ...]) -> tuple[int, ...] | None:
    """Qubits in order in blocks as equal as the capacities allow (``None`` if they cannot)."""
    qpus = len(capacities)
    sizes = [n // qpus + (1 if block < n % qpus else 0) for block in range(qpus)]
    if any(size > cap for size, cap in zip(sizes, capacities)):
        return None
    return contiguous_placement(sizes)


def _kahypar(circuit: Circuit, capacities: tuple[int, ...], seeds: int,
             threads: int) -> list[tuple[int, ...]]:
    """Mt-KaHyPar placements (connectivity - 1 objective), one per seed."""
    import mtkahypar  # noqa: PLC0415 (optional; _mtkahypar reports its absence)

    initializer = _mtkahypar(threads)
    edges, weights = _hyperedges(circuit)
    if not edges:
        return []
    qpus = len(capacities)
    results: list[tuple[int, ...]] = []
    for seed in range(seeds):
        mtkahypar.set_seed(seed)
        context = initializer.context_from_preset(mtkahypar.PresetType.DEFAULT)
        context.set_partitioning_parameters(qpus, 0.03, mtkahypar.Objective.KM1)
        context.set_individual_target_block_weights(list(capacities))
        context.logging = False
        hypergraph = initializer.create_hypergraph(context, circuit.num_qubits, len(edges),
                                                   edges, [1] * circuit.num_qubits, weights)
        blocks = tuple(hypergraph.partition(context).get_partition())
        load = [0] * qpus
        for block in blocks:
            load[block] += 1
        if all(used <= size for used, size in zip(load, capacities)):
            results.append(blocks)
    return results


def _end_segments(name: str, qubits: Sequence[int], segment: list[int]) -> None:
    """Start a new segment on every qubit on which the operation ``name`` is not diagonal
    (a segment is the stretch of a qubit's timeline that one cat-entanglement can serve)."""
    if name in _ALL_DIAGONAL:
        return
    if len(qubits) == 1:
        if name not in _DIAGONAL_1Q:
            segment[qubits[0]] += 1
    elif name in _CONTROLLED:
        segment[qubits[-1]] += 1
    else:
        for qubit in qubits:
            segment[qubit] += 1
