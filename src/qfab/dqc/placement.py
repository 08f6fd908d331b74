"""A partition written out: JSON (placement, non-local operations, e-bits per link) and the
distributed circuit as OpenQASM 2 with explicit communication operations.

In the distributed circuit each QPU ``X`` has a data register ``X[capacity]`` and a register
of communication qubits ``X_comm[m]`` (``m``: the most cat copies or teleported qubits it holds
at once, which is the number of communication qubits it needs). Communication is written with
three opaque gates: ``cat_entangle src, copy`` (one e-bit per link of the cat's tree; Eisert
et al., PRA 62, 052317 (2000)), ``cat_disentangle src, copy`` (a measurement and a classical
correction, no e-bit) and ``teleport src, dst`` (one e-bit per link crossed; Bennett et al.,
PRL 70, 1895 (1993)). A gate served by a cat copy or a teleported qubit acts on that
communication qubit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from qfab.dqc.circuits import Gate
from qfab.dqc.partition import NonLocalOp, Partition

__all__ = ["qpu_names", "to_json", "to_qasm"]


def qpu_names(partition: Partition, names: Sequence[str] | None = None) -> list[str]:
    """The QPUs' names: ``names`` if given, else ``qpu0``, ``qpu1``, ..."""
    if names is None:
        return [f"qpu{block}" for block in range(partition.qpus)]
    if len(names) != partition.qpus:
        raise ValueError(f"{len(names)} names for {partition.qpus} QPUs")
    return list(names)


def to_json(partition: Partition, names: Sequence[str] | None = None) -> dict[str, Any]:
    """The partition as JSON-ready data.

    Keys: ``circuit``, ``qubits``, ``qpus``, ``capacity``, ``ebits``, ``method``,
    ``placement`` (qubit index, as a string, to QPU name), ``ebits_per_link`` (``"a-b"`` to
    count), ``operations`` (one per communication operation: kind, qubit, from, to, gates
    served, e-bits, links) and ``communication_qubits`` (per QPU, as :func:`to_qasm` needs).
    """
    label = qpu_names(partition, names)
    operations = [{"kind": op.kind, "qubit": op.qubit, "from": label[op.home],
                   "to": [label[remote] for remote in op.remotes], "gates": list(op.gates),
                   "ebits": op.ebits,
                   "links": [f"{label[a]}-{label[b]}" for a, b in op.links]}
                  for op in partition.operations]
    return {
        "circuit": partition.circuit.name,
        "qubits": partition.circuit.num_qubits,
        "qpus": label,
        "capacity": dict(zip(label, partition.capacities)),
        "ebits": partition.ebits,
        "method": partition.method,
        "placement": {str(qubit): label[block]
                      for qubit, block in enumerate(partition.placement)},
        "ebits_per_link": {f"{label[a]}-{label[b]}": count
                           for (a, b), count in partition.ebits_per_link().items()},
        "operations": operations,
        "communication_qubits": dict(zip(label, _comm_peaks(partition))),
    }


def _events(partition: Partition) -> tuple[dict[int, list[tuple[NonLocalOp, int]]],
                                           dict[int, list[tuple[NonLocalOp, int]]]]:
    """Operations to open before a gate and to close after it, by gate index (per remote)."""
    opens: dict[int, list[tuple[NonLocalOp, int]]] = defaultdict(list)
    closes: dict[int, list[tuple[NonLocalOp, int]]] = defaultdict(list)
    for op in partition.operations:
        for remote in op.remotes:
            gates = op.gates if op.kind == "teleport" else _gates_at(partition, op, remote)
            opens[gates[0]].append((op, remote))
            closes[gates[-1]].append((op, remote))
    return opens, closes


def _gates_at(partition: Partition, op: NonLocalOp, remote: int) -> tuple[int, ...]:
    """The gates of a cat that run on ``remote``."""
    gates = partition.circuit.gates
    placement = partition.placement
    return tuple(index for index in op.gates
                 if any(placement[q] == remote for q in gates[index].qubits if q != op.qubit))


def _comm_peaks(partition: Partition) -> list[int]:
    """The most communication qubits each QPU holds at once."""
    opens, closes = _events(partition)
    held = [0] * partition.qpus
    peak = [0] * partition.qpus
    for index in range(len(partition.circuit.gates)):
        for _, remote in opens.get(index, ()):
            held[remote] += 1
            peak[remote] = max(peak[remote], held[remote])
        for _, remote in closes.get(index, ()):
            held[remote] -= 1
    return peak


def to_qasm(partition: Partition, names: Sequence[str] | None = None) -> str:
    """The distributed circuit as OpenQASM 2 with the communication written out."""
    label = qpu_names(partition, names)
    circuit = partition.circuit
    placement = partition.placement
    slot: list[int] = []
    used = [0] * partition.qpus
    for block in placement:
        slot.append(used[block])
        used[block] += 1
    home = [f"{label[block]}[{index}]" for block, index in zip(placement, slot)]
    peaks = _comm_peaks(partition)
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";',
             f"// {circuit.name} on {partition.qpus} QPUs: {partition.ebits} e-bits "
             f"({partition.method})",
             "opaque cat_entangle src, copy;", "opaque cat_disentangle src, copy;",
             "opaque teleport src, dst;"]
    for block, name in enumerate(label):
        lines.append(f"qreg {name}[{max(partition.capacities[block], 1)}];")
        if peaks[block]:
            lines.append(f"qreg {name}_comm[{peaks[block]}];")
    measured = [g for g in circuit.gates if g.name == "measure"]
    if measured:
        lines.append(f"creg c[{circuit.num_clbits or circuit.num_qubits}];")
    opens, closes = _events(partition)
    free: list[list[int]] = [list(range(peak - 1, -1, -1)) for peak in peaks]
    # qubit -> (remote QPU -> communication qubit holding its copy or itself)
    alias: dict[int, dict[int, str]] = defaultdict(dict)
    teleported: dict[int, str] = {}
    for index, gate in enumerate(circuit.gates):
        for op, remote in opens.get(index, ()):
            where = f"{label[remote]}_comm[{free[remote].pop()}]"
            ebits = op.ebits if op.kind == "teleport" else None
            if op.kind == "cat":
                lines.append(f"cat_entangle {home[op.qubit]}, {where};")
                alias[op.qubit][remote] = where
            else:
                lines.append(f"teleport {home[op.qubit]}, {where};  // {ebits} e-bits, "
                             "there and back")
                teleported[op.qubit] = where
        lines.append(_gate_line(gate, index, placement, home, alias, teleported))
        for op, remote in closes.get(index, ()):
            where = alias[op.qubit].pop(remote) if op.kind == "cat" \
                else teleported.pop(op.qubit)
            if op.kind == "cat":
                lines.append(f"cat_disentangle {home[op.qubit]}, {where};")
            else:
                lines.append(f"teleport {where}, {home[op.qubit]};")
            free[remote].append(int(where.rsplit("[", 1)[1][:-1]))
    return "\n".join(lines) + "\n"


def _gate_line(gate: Gate, index: int, placement: tuple[int, ...], home: list[str],
               alias: dict[int, dict[int, str]], teleported: dict[int, str]) -> str:
    """One gate on the QPUs' registers: a remote partner's copy stands for its qubit."""
    qubits = gate.qubits
    where_runs = _execution_qpu(gate, placement, teleported, alias)
    operands = []
    for qubit in qubits:
        if qubit in teleported:
            operands.append(teleported[qubit])
        elif placement[qubit] != where_runs and where_runs in alias.get(qubit, {}):
            operands.append(alias[qubit][where_runs])
        else:
            operands.append(home[qubit])
    if gate.name == "measure":
        bit = gate.clbits[0] if gate.clbits else qubits[0]
        return f"measure {operands[0]} -> c[{bit}];"
    params = f"({', '.join(repr(p) for p in gate.params)})" if gate.params else ""
    return f"{gate.name}{params} {', '.join(operands)};"


def _execution_qpu(gate: Gate, placement: tuple[int, ...], teleported: dict[int, str],
                   alias: dict[int, dict[int, str]]) -> int:
    """Where a gate runs: the QPU of a qubit that is there in person (not as a copy) whose
    partners all have copies there, else its last qubit's QPU."""
    qubits = gate.qubits
    for qubit in reversed(qubits):
        if qubit in teleported:
            continue
        where = placement[qubit]
        if all(other == qubit or placement[other] == where or other in teleported
               or where in alias.get(other, {}) for other in qubits):
            return where
    return placement[qubits[-1]]
