"""Every gate the circuit reader knows lowers to the executor's gates with the same unitary
(up to a global phase), checked against Qiskit's own matrices."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.dqc.circuits import KNOWN_GATES, CircuitError, Gate
from qfab.dqc.lowering import BASIS, lower, lowered_gates

qiskit = pytest.importorskip("qiskit")
from qiskit import QuantumCircuit  # noqa: E402
from qiskit.circuit.library import MCXGate, get_standard_gate_name_mapping  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402

_ANGLES = {"p": 1, "u1": 1, "rx": 1, "ry": 1, "rz": 1, "u3": 3, "u": 3, "u2": 2, "cu1": 1,
           "crz": 1, "cry": 1, "crx": 1, "rzz": 1, "rxx": 1, "ryy": 1, "cp": 1, "cu": 4,
           "cu3": 3}


def _reference(name: str, width: int, params: tuple[float, ...]) -> QuantumCircuit:
    qc = QuantumCircuit(width)
    if name == "mcx":
        qc.append(MCXGate(width - 1), list(range(width)))
    elif name == "mcz":
        qc.h(width - 1)
        qc.append(MCXGate(width - 1), list(range(width)))
        qc.h(width - 1)
    else:
        qc.append(type(get_standard_gate_name_mapping()[name])(*params), list(range(width)))
    return qc


def _matrix(gates: list[Gate], width: int) -> np.ndarray:
    qc = QuantumCircuit(width)
    for gate in gates:
        qc.append(type(get_standard_gate_name_mapping()[gate.name])(*gate.params),
                  list(gate.qubits))
    return np.asarray(Operator(qc).data)


@pytest.mark.parametrize("name", sorted(set(KNOWN_GATES) - {"measure", "reset"}))
def test_lowering_keeps_the_unitary(name: str) -> None:
    width = KNOWN_GATES[name] if KNOWN_GATES[name] > 0 else 4
    params = tuple(np.random.default_rng(len(name)).uniform(-3, 3, _ANGLES.get(name, 0)))
    low = lowered_gates(Gate(name, tuple(range(width)), params))
    assert {gate.name for gate in low} <= BASIS
    got = _matrix(low, width)
    want = np.asarray(Operator(_reference(name, width, params)).data)
    index = np.unravel_index(np.argmax(np.abs(want)), want.shape)
    phase = got[index] / want[index]
    assert abs(abs(phase) - 1) < 1e-9
    np.testing.assert_allclose(got, phase * want, atol=1e-9)


def test_reset_is_refused_and_generators_lower() -> None:
    with pytest.raises(CircuitError, match="reset"):
        lowered_gates(Gate("reset", (0,)))
    assert [g.name for g in lower([Gate("swap", (0, 1))])] == ["cx", "cx", "cx"]
