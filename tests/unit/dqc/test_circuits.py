"""Circuits in: generators, OpenQASM 2 and 3, Qiskit objects, one-line errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qfab.dqc.circuits import Circuit, CircuitError, Gate, generate, load_circuit


def test_qft_has_n_hadamards_and_all_controlled_phases() -> None:
    circuit = load_circuit("qft:5")
    assert circuit.num_qubits == 5
    assert sum(gate.name == "h" for gate in circuit.gates) == 5
    phases = [gate for gate in circuit.gates if gate.name == "cp"]
    assert len(phases) == 10
    assert {frozenset(gate.qubits) for gate in phases} == {
        frozenset((j, k)) for j in range(5) for k in range(j + 1, 5)}
    assert phases[0].params == (math.pi / 2,)


def test_ghz_grover_random() -> None:
    ghz = generate("ghz:4")
    assert [gate.name for gate in ghz.gates] == ["h", "cx", "cx", "cx"]
    grover = generate("grover:3")
    assert sum(gate.name == "mcz" for gate in grover.gates) == 2
    assert generate("grover:2").two_qubit_gates == 2
    first, again = generate("random:6:4:3"), generate("random:6:4:3")
    assert first == again and first != generate("random:6:4:4")
    assert first.two_qubit_gates == 4 * 3


@pytest.mark.parametrize("spec, words", [
    ("qft", "nor a generator"), ("qft:", "needs a number"), ("qft:x", "integers"),
    ("ghz:1", "at least 2"), ("qft:3:4", "at most 1"), ("random:3:0", "depth"),
    ("random:3:1:2:3", "at most 3")])
def test_bad_generators_are_one_line(spec: str, words: str) -> None:
    with pytest.raises(CircuitError, match=words) as error:
        load_circuit(spec)
    assert "\n" not in str(error.value)


def test_unknown_generator_lists_the_known() -> None:
    with pytest.raises(CircuitError, match="qft:N, ghz:N"):
        generate("bell:2")


def test_gate_outside_the_register_is_refused() -> None:
    with pytest.raises(CircuitError, match="qubit 3"):
        Circuit(2, (Gate("cx", (0, 3)),), name="mine")


def test_openqasm2_file_with_a_decomposed_gate(tmp_path: Path) -> None:
    pytest.importorskip("qiskit")
    path = tmp_path / "c.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\n'
                    "h q[0];\ncu1(0.5) q[0],q[1];\nrccx q[0],q[1],q[2];\nmeasure q -> c;\n")
    circuit = load_circuit(path)
    assert circuit.num_qubits == 3 and circuit.name == "c.qasm"
    assert circuit.gates[1] == Gate("cu1", (0, 1), (0.5,))
    assert {gate.name for gate in circuit.gates} <= {"h", "cu1", "measure", "u", "u1", "u2",
                                                     "u3", "cx", "t", "tdg", "p"}


def test_openqasm3_file(tmp_path: Path) -> None:
    pytest.importorskip("qiskit_qasm3_import")
    path = tmp_path / "c3.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\n'
                    "h q[0];\ncx q[0], q[1];\nc = measure q;\n")
    circuit = load_circuit(str(path))
    assert [gate.name for gate in circuit.gates] == ["h", "cx", "measure", "measure"]
    assert circuit.num_clbits == 2 and [g.clbits for g in circuit.gates[2:]] == [(0,), (1,)]


def test_bad_qasm_and_missing_file_are_one_line(tmp_path: Path) -> None:
    pytest.importorskip("qiskit")
    path = tmp_path / "bad.qasm"
    path.write_text("OPENQASM 2.0;\nqreg q[2];\nfoo q[0];\n")
    with pytest.raises(CircuitError, match="bad.qasm: not valid OpenQASM 2") as error:
        load_circuit(path)
    assert "\n" not in str(error.value)
    with pytest.raises(CircuitError, match="cannot read"):
        load_circuit(tmp_path / "none.qasm")


def test_qiskit_circuit_object() -> None:
    qiskit = pytest.importorskip("qiskit")
    circuit = qiskit.QuantumCircuit(3, 1, name="mine")
    circuit.h(0)
    circuit.cx(0, 2)
    circuit.barrier()
    circuit.cp(0.25, 1, 2)
    result = load_circuit(circuit)
    assert result.name == "mine" and result.num_clbits == 1
    assert result.gates == (Gate("h", (0,)), Gate("cx", (0, 2)), Gate("cp", (1, 2), (0.25,)))
    circuit.measure(2, 0)
    assert load_circuit(circuit).gates[-1] == Gate("measure", (2,), (), (0,))
    with pytest.raises(CircuitError, match="not a circuit generator"):
        load_circuit(42)
