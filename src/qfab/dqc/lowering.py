"""Lowering a circuit to the gates the executor runs.

The executor (:mod:`qfab.dqc.execute`) runs ``h x y z s sdg t tdg rz`` on one qubit, ``cx
cz cp`` on two and ``measure``: every two-qubit gate it runs is controlled by its first
qubit, so a non-local one is teleported with one pair (Eisert et al., PRA 62, 052317 (2000)).
:func:`lower` rewrites the other gates of :data:`qfab.dqc.circuits.KNOWN_GATES` into these,
up to a global phase, with the identities of OpenQASM 2's ``qelib1.inc`` (Cross et al.,
arXiv:1707.03429, Appendix: its gate definitions) and Nielsen & Chuang (2000), Sec. 4.2-4.3
(``Rx = H Rz H``, ``Ry = S Rx S^dagger``, ZYZ Euler angles, the Toffoli of Fig. 4.9). Gates
without a rule here (``ecr``, ``iswap``, ``cu``, ``cswap``, multi-controlled gates on four or
more qubits, ...) are decomposed by Qiskit when it is installed (the ``dqc`` extra).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from qfab.dqc.circuits import Circuit, CircuitError, Gate

__all__ = ["BASIS", "lower", "lowered_gates"]

#: The executor's gates.
BASIS = frozenset({"h", "x", "y", "z", "s", "sdg", "t", "tdg", "rz", "cx", "cz", "cp",
                   "measure"})

_PI = math.pi
Rule = Callable[[tuple[int, ...], tuple[float, ...]], list[Gate]]


def _g(name: str, *qubits: int, angle: float | None = None) -> Gate:
    return Gate(name, tuple(qubits), () if angle is None else (float(angle),))


def _ry(q: int, theta: float) -> list[Gate]:
    return [_g("sdg", q), _g("h", q), _g("rz", q, angle=theta), _g("h", q), _g("s", q)]


def _u3(q: int, theta: float, phi: float, lam: float) -> list[Gate]:
    return [_g("rz", q, angle=lam), *_ry(q, theta), _g("rz", q, angle=phi)]


def _rzz(a: int, b: int, theta: float) -> list[Gate]:
    return [_g("cx", a, b), _g("rz", b, angle=theta), _g("cx", a, b)]


def _ccx(a: int, b: int, c: int) -> list[Gate]:
    return [_g("h", c), _g("cx", b, c), _g("tdg", c), _g("cx", a, c), _g("t", c),
            _g("cx", b, c), _g("tdg", c), _g("cx", a, c), _g("t", b), _g("t", c), _g("h", c),
            _g("cx", a, b), _g("t", a), _g("tdg", b), _g("cx", a, b)]


_RULES: dict[str, Rule] = {
    "id": lambda q, p: [],
    "p": lambda q, p: [_g("rz", q[0], angle=p[0])],
    "u1": lambda q, p: [_g("rz", q[0], angle=p[0])],
    "sx": lambda q, p: [_g("h", q[0]), _g("s", q[0]), _g("h", q[0])],
    "sxdg": lambda q, p: [_g("h", q[0]), _g("sdg", q[0]), _g("h", q[0])],
    "rx": lambda q, p: [_g("h", q[0]), _g("rz", q[0], angle=p[0]), _g("h", q[0])],
    "ry": lambda q, p: _ry(q[0], p[0]),
    "u3": lambda q, p: _u3(q[0], *p),
    "u": lambda q, p: _u3(q[0], *p),
    "u2": lambda q, p: _u3(q[0], _PI / 2, p[0], p[1]),
    "cu1": lambda q, p: [_g("cp", *q, angle=p[0])],
    "cy": lambda q, p: [_g("sdg", q[1]), _g("cx", *q), _g("s", q[1])],
    "ch": lambda q, p: [_g("s", q[1]), _g("h", q[1]), _g("t", q[1]), _g("cx", *q),
                        _g("tdg", q[1]), _g("h", q[1]), _g("sdg", q[1])],
    "crz": lambda q, p: [_g("rz", q[1], angle=p[0] / 2), _g("cx", *q),
                         _g("rz", q[1], angle=-p[0] / 2), _g("cx", *q)],
    "cry": lambda q, p: [*_ry(q[1], p[0] / 2), _g("cx", *q), *_ry(q[1], -p[0] / 2),
                         _g("cx", *q)],
    "crx": lambda q, p: [_g("h", q[1]), _g("rz", q[1], angle=p[0] / 2), _g("cx", *q),
                         _g("rz", q[1], angle=-p[0] / 2), _g("cx", *q), _g("h", q[1])],
    "swap": lambda q, p: [_g("cx", q[0], q[1]), _g("cx", q[1], q[0]), _g("cx", q[0], q[1])],
    "rzz": lambda q, p: _rzz(q[0], q[1], p[0]),
    "rxx": lambda q, p: [_g("h", q[0]), _g("h", q[1]), *_rzz(q[0], q[1], p[0]),
                         _g("h", q[0]), _g("h", q[1])],
    "ryy": lambda q, p: [_g("sdg", q[0]), _g("sdg", q[1]), _g("h", q[0]), _g("h", q[1]),
                         *_rzz(q[0], q[1], p[0]), _g("h", q[0]), _g("h", q[1]),
                         _g("s", q[0]), _g("s", q[1])],
    "ccx": lambda q, p: _ccx(*q),
    "ccz": lambda q, p: [_g("h", q[2]), *_ccx(*q), _g("h", q[2])],
}


def lowered_gates(gate: Gate) -> list[Gate]:
    """The executor's gates that make ``gate`` (up to a global phase).

    Raises
    ------
    CircuitError
        For ``reset``, or a gate without a rule here when Qiskit is not installed.
    """
    if gate.name in BASIS:
        return [gate]
    if gate.name == "reset":
        raise CircuitError("reset: mid-circuit reset is not modelled by the executor")
    rule = _RULES.get(gate.name)
    if rule is not None:
        return rule(gate.qubits, gate.params)
    if gate.name == "mcz" and len(gate.qubits) == 2:
        return [_g("cz", *gate.qubits)]
    if gate.name == "mcx" and len(gate.qubits) == 2:
        return [_g("cx", *gate.qubits)]
    return _by_qiskit(gate)


def _by_qiskit(gate: Gate) -> list[Gate]:
    """Decompose one gate with Qiskit's transpiler into :data:`BASIS`."""
    try:
        from qiskit import QuantumCircuit, transpile
        from qiskit.circuit.library import MCXGate, get_standard_gate_name_mapping
    except ImportError:
        raise CircuitError(f"{gate.name}: the executor needs this gate decomposed, which needs "
                           "Qiskit (pip install 'qfab[dqc]')") from None
    width = len(gate.qubits)
    qc = QuantumCircuit(width)
    local = list(range(width))
    if gate.name == "mcx":
        qc.append(MCXGate(width - 1), local)
    elif gate.name == "mcz":
        qc.h(local[-1])
        qc.append(MCXGate(width - 1), local)
        qc.h(local[-1])
    else:
        qc.append(type(get_standard_gate_name_mapping()[gate.name])(*gate.params), local)
    basis = sorted(BASIS - {"measure", "cp"})
    out: list[Gate] = []
    for instruction in transpile(qc, basis_gates=basis, optimization_level=0).data:
        name = instruction.operation.name
        qubits = tuple(gate.qubits[qc.find_bit(q).index] for q in instruction.qubits)
        params = tuple(float(value) for value in instruction.operation.params)
        out.append(Gate(name, qubits, params))
    return out


def lower(circuit: Circuit | Sequence[Gate]) -> list[Gate]:
    """Every gate of ``circuit`` lowered to :data:`BASIS`, in order (see the module docstring).

    Examples
    --------
    >>> from qfab.dqc.circuits import load_circuit
    >>> sorted({gate.name for gate in lower(load_circuit("qft:3"))})
    ['cp', 'h']
    """
    gates = circuit.gates if isinstance(circuit, Circuit) else circuit
    return [low for gate in gates for low in lowered_gates(gate)]
