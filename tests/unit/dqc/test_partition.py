"""The cost model (exact minimum cover against brute force), teleportation, Steiner trees,
capacities, the JSON and OpenQASM output and ``qfab partition``."""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict
from pathlib import Path

import pytest

from qfab.cli import main
from qfab.dqc.circuits import Circuit, Gate, load_circuit
from qfab.dqc.partition import PartitionError, contiguous_placement, evaluate, partition
from qfab.dqc.placement import to_json, to_qasm

pytest.importorskip("mtkahypar")


def _segments_brute_force(circuit: Circuit, placement: tuple[int, ...]) -> int:
    """Least e-bits for a circuit of CZ, CX and H/rz gates on all-to-all QPUs, by trying
    every side for every symmetric non-local gate."""
    segment = [0] * circuit.num_qubits
    choices: list[tuple[tuple[int, int, int], ...]] = []
    for gate in circuit.gates:
        if len(gate.qubits) == 2 and placement[gate.qubits[0]] != placement[gate.qubits[1]]:
            u, v = gate.qubits
            side_u = (u, segment[u], placement[v])
            side_v = (v, segment[v], placement[u])
            choices.append((side_u, side_v) if gate.name == "cz" else (side_u,))
        if gate.name == "h":
            segment[gate.qubits[0]] += 1
        elif gate.name == "cx":
            segment[gate.qubits[1]] += 1
    return min(len(set(pick)) for pick in itertools.product(*choices)) if choices else 0


def _small_random(seed: int) -> Circuit:
    generator = random.Random(seed)
    gates: list[Gate] = []
    for _ in range(9):
        kind = generator.choice(["cz", "cz", "cx", "h", "rz"])
        if kind in ("h", "rz"):
            gates.append(Gate(kind, (generator.randrange(4),), (0.1,) if kind == "rz" else ()))
        else:
            gates.append(Gate(kind, tuple(generator.sample(range(4), 2))))
    return Circuit(4, tuple(gates), name=f"small{seed}")


@pytest.mark.parametrize("seed", range(25))
def test_cover_is_the_exact_minimum(seed: int) -> None:
    circuit = _small_random(seed)
    for placement in [(0, 0, 1, 1), (0, 1, 0, 1), (0, 1, 2, 0)]:
        result = evaluate(circuit, placement, 2, teleport=False)
        assert result.ebits == _segments_brute_force(circuit, placement)


def test_every_non_local_gate_is_served() -> None:
    circuit = load_circuit("random:12:8:5")
    result = partition(circuit, 3, 4)
    served = {g for op in result.operations for g in op.gates}
    for index, gate in enumerate(circuit.gates):
        if len({result.placement[q] for q in gate.qubits}) > 1:
            assert index in served


def test_teleportation_where_cheaper() -> None:
    # qubit 0 meets qubit 2 (on the other QPU) three times, with an H between: three cats
    # (3 e-bits) or one teleport there and back (2 e-bits)
    gates = [Gate("h", (0,))]
    for _ in range(3):
        gates += [Gate("cx", (0, 2)), Gate("h", (0,))]
    circuit = Circuit(3, tuple(gates), name="ping")
    assert evaluate(circuit, (0, 0, 1), 2, teleport=False).ebits == 3
    result = evaluate(circuit, (0, 0, 1), 2)
    assert result.ebits == 2 and [op.kind for op in result.operations] == ["teleport"]
    # no free slot on the other QPU: the cats stay
    assert evaluate(circuit, (0, 0, 1), [2, 1]).ebits == 3


def test_swap_across_qpus_teleports() -> None:
    circuit = Circuit(2, (Gate("swap", (0, 1)),), name="swap")
    result = evaluate(circuit, (0, 1), 1)
    assert result.ebits == 2 and result.operations[0].kind == "teleport"


def test_steiner_tree_on_a_line_of_qpus() -> None:
    # qubit 0 on QPU 0 controls gates on QPUs 1, 2 and 3 in one segment: a path 0-1-2-3
    circuit = Circuit(4, tuple(Gate("cz", (0, q)) for q in (1, 2, 3)), name="fan")
    line = [(0, 1), (1, 2), (2, 3)]
    assert evaluate(circuit, (0, 1, 2, 3), 1).ebits == 3
    result = evaluate(circuit, (0, 1, 2, 3), 1, links=line)
    assert result.ebits == 3 and result.ebits_per_link() == {(0, 1): 1, (1, 2): 1, (2, 3): 1}
    # one remote QPU two hops away costs two e-bits
    far = evaluate(Circuit(2, (Gate("cz", (0, 1)),), name="far"), (0, 2), [1] * 4,
                   links=line)
    assert far.ebits == 2 and far.ebits_per_link() == {(0, 1): 1, (1, 2): 1}


def test_capacity_and_link_errors() -> None:
    circuit = load_circuit("qft:9")
    with pytest.raises(PartitionError, match="hold only 8"):
        partition(circuit, 2, 4)
    with pytest.raises(PartitionError, match="do not connect"):
        partition(circuit, 3, 3, links=[(0, 1)])
    with pytest.raises(PartitionError, match="capacity 4"):
        evaluate(circuit, contiguous_placement([5, 4]), 4)


def test_json_and_qasm_agree_with_the_partition(tmp_path: Path) -> None:
    circuit = load_circuit("qft:10")
    result = partition(circuit, 3, 4)
    document = to_json(result, ["a", "b", "c"])
    assert document["ebits"] == result.ebits
    assert sum(document["ebits_per_link"].values()) == result.ebits
    assert set(document["placement"].values()) <= {"a", "b", "c"}
    text = to_qasm(result, ["a", "b", "c"])
    # a cat to several QPUs opens one copy on each of them
    copies = sum(len(op.remotes) for op in result.operations)
    assert text.count("\ncat_entangle ") == copies == text.count("\ncat_disentangle ")
    assert sum(line.startswith("cp(") for line in text.splitlines()) == 45
    qiskit = pytest.importorskip("qiskit")
    parsed = qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    counts: dict[str, int] = defaultdict(int)
    for instruction in parsed.data:
        counts[instruction.operation.name] += 1
    assert counts["cp"] == 45 and counts["cat_entangle"] == copies


def test_cli_partition_json_and_errors(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    out = tmp_path / "d.qasm"
    assert main(["partition", "qft:8", "--qpus", "2", "--json", "--qasm", str(out)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document)[:2] == ["ebits", "placement"] and document["ebits"] == 4
    assert len(document["placement"]) == 8 and out.read_text().startswith("OPENQASM 2.0;")
    assert main(["partition", "ghz:6", "--qpus", "3"]) == 0
    assert "2 e-bits" in capsys.readouterr().out
    for bad in (["qft:x", "--qpus", "2"], ["qft:8", "--qpus", "2", "--capacity", "3"],
                [str(tmp_path / "missing.qasm"), "--qpus", "2"]):
        assert main(["partition", *bad]) == 2
        error = capsys.readouterr().err
        assert error.startswith("qfab: error: ") and error.count("\n") == 1


def test_a_multi_qubit_diagonal_gate_runs_where_most_of_its_qubits_are() -> None:
    # an MCZ on five qubits, four on QPU 0 and the last on QPU 1: one cat, from the last qubit
    circuit = Circuit(5, (Gate("mcz", (0, 1, 2, 3, 4)),), name="mcz")
    result = evaluate(circuit, (0, 0, 0, 0, 1), 4)
    assert result.ebits == 1 and result.operations[0].qubit == 4
    # a Toffoli runs where its target is: both remote controls send a cat
    toffoli = Circuit(3, (Gate("ccx", (0, 1, 2)),), name="ccx")
    assert evaluate(toffoli, (0, 0, 1), 2).ebits == 2
    text = to_qasm(result)
    assert "cat_entangle qpu1[0], qpu0_comm[0];" in text
    assert "mcz qpu0[0], qpu0[1], qpu0[2], qpu0[3], qpu0_comm[0];" in text
