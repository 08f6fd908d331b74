"""Circuits in: a small gate list read from OpenQASM, Qiskit or a generator.

The rest of qfab sees a circuit as a :class:`Circuit`: a number of qubits and a list of
:class:`Gate` (a lower-case OpenQASM name, the qubit indices it acts on and its angles).
:func:`load_circuit` takes

* a generator: ``qft:N`` (textbook QFT, Nielsen & Chuang, Sec. 5.1, without the final
  swaps), ``ghz:N``, ``grover:N`` (one Grover iteration on N qubits marking ``1...1``:
  H, multi-controlled Z, diffusion) or ``random:N[:depth[:seed]]`` (layers of random
  single-qubit rotations and CZ on random disjoint pairs);
* a path to an OpenQASM 2 (``OPENQASM 2.0;``) or OpenQASM 3 file;
* a Qiskit ``QuantumCircuit``.

OpenQASM and Qiskit input need the ``dqc`` extra (Qiskit, imported only then). Gates that are
not in :data:`KNOWN_GATES` are decomposed by Qiskit into them. Bad input raises one
:class:`CircuitError` line naming the file or the generator.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qfab.errors import QfabError

__all__ = ["KNOWN_GATES", "Circuit", "CircuitError", "Gate", "from_qiskit", "generate",
           "load_circuit"]


class CircuitError(QfabError):
    """A circuit that cannot be read (the message names the file or the generator)."""


#: Gate names of the internal representation (OpenQASM 2 ``qelib1.inc`` names), by arity.
KNOWN_GATES: dict[str, int] = {
    **{name: 1 for name in ("id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg",
                            "rx", "ry", "rz", "p", "u", "u1", "u2", "u3", "measure",
                            "reset")},
    **{name: 2 for name in ("cx", "cy", "cz", "ch", "cp", "cu1", "crx", "cry", "crz", "cu",
                            "cu3", "swap", "rzz", "rxx", "ryy", "ecr", "iswap")},
    "ccx": 3, "ccz": 3, "cswap": 3,
    "mcx": -1, "mcz": -1,  # any number (at least two) of qubits: controls then the target
}


@dataclass(frozen=True, slots=True)
class Gate:
    """One operation: a name from :data:`KNOWN_GATES`, its qubits and its angles; a
    ``measure`` names the classical bit it writes in ``clbits``."""

    name: str
    qubits: tuple[int, ...]
    params: tuple[float, ...] = ()
    clbits: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Circuit:
    """A circuit: ``num_qubits`` qubits and its gates in order, with a name for reports.

    ``num_clbits`` classical bits receive the measurements (bit i is character ``-1 - i`` of
    an outcome string in Qiskit's order); a generated circuit has none (measure every qubit).
    """

    num_qubits: int
    gates: tuple[Gate, ...]
    name: str = "circuit"
    num_clbits: int = 0

    def __post_init__(self) -> None:
        for index, gate in enumerate(self.gates):
            for qubit in gate.qubits:
                if not 0 <= qubit < self.num_qubits:
                    raise CircuitError(f"{self.name}: gate {index} ({gate.name}) acts on qubit "
                                       f"{qubit}, outside 0..{self.num_qubits - 1}")
            for bit in gate.clbits:
                if not 0 <= bit < self.num_clbits:
                    raise CircuitError(f"{self.name}: gate {index} ({gate.name}) writes bit "
                                       f"{bit}, outside 0..{self.num_clbits - 1}")

    @property
    def two_qubit_gates(self) -> int:
        """The number of gates on two or more qubits."""
        return sum(1 for gate in self.gates if len(gate.qubits) >= 2)


def load_circuit(source: str | Path | Any) -> Circuit:
    """A circuit from a generator string, an OpenQASM file or a Qiskit ``QuantumCircuit``.

    Raises
    ------
    CircuitError
        For an unknown generator, a bad argument, a missing or unreadable file.

    Examples
    --------
    >>> [(gate.name, gate.qubits) for gate in load_circuit("ghz:3").gates]
    [('h', (0,)), ('cx', (0, 1)), ('cx', (1, 2))]
    """
    if isinstance(source, (str, Path)):
        text = str(source)
        if isinstance(source, str) and ":" in text and text.split(":", 1)[0] in _GENERATORS \
                and not Path(text).exists():
            return generate(text)
        return _from_file(Path(text))
    return from_qiskit(source)


def generate(spec: str) -> Circuit:
    """The circuit of a generator string such as ``qft:8`` or ``random:10:20:7``.

    Raises
    ------
    CircuitError
        ``generator 'qft:x': ...`` for an unknown name or bad arguments.
    """
    name, _, rest = spec.partition(":")
    builder = _GENERATORS.get(name)
    if builder is None:
        raise CircuitError(f"generator {spec!r}: unknown; use one of "
                           + ", ".join(f"{key}:N" for key in _GENERATORS))
    arguments = rest.split(":") if rest else []
    try:
        numbers = [int(argument) for argument in arguments]
    except ValueError:
        raise CircuitError(f"generator {spec!r}: arguments must be integers") from None
    if not numbers:
        raise CircuitError(f"generator {spec!r}: needs a number of qubits ({name}:N)")
    maximum = 3 if name == "random" else 1
    if len(numbers) > maximum:
        raise CircuitError(f"generator {spec!r}: takes at most {maximum} argument"
                           f"{'s' if maximum > 1 else ''}")
    minimum = 2 if name in ("ghz", "grover") else 1
    if numbers[0] < minimum:
        raise CircuitError(f"generator {spec!r}: needs at least {minimum} qubits")
    if name == "random" and len(numbers) > 1 and numbers[1] < 1:
        raise CircuitError(f"generator {spec!r}: depth must be >= 1")
    return Circuit(numbers[0], tuple(builder(*numbers)), name=spec)


def _qft(n: int) -> list[Gate]:
    """Textbook QFT without the final swaps: H on qubit j, then CP(pi/2^(k-j)) with k > j."""
    gates: list[Gate] = []
    for j in range(n):
        gates.append(Gate("h", (j,)))
        for k in range(j + 1, n):
            gates.append(Gate("cp", (k, j), (math.pi / 2 ** (k - j),)))
    return gates


def _ghz(n: int) -> list[Gate]:
    """H on qubit 0 and a CNOT chain 0 -> 1 -> ... -> n-1."""
    return [Gate("h", (0,))] + [Gate("cx", (q, q + 1)) for q in range(n - 1)]


def _grover(n: int) -> list[Gate]:
    """One Grover iteration marking ``1...1``: H^n, oracle MCZ, diffusion H X MCZ X H."""
    everyone = tuple(range(n))
    oracle = Gate("cz" if n == 2 else "mcz", everyone)
    gates = [Gate("h", (q,)) for q in everyone] + [oracle]
    gates += [Gate("h", (q,)) for q in everyone] + [Gate("x", (q,)) for q in everyone]
    gates += [oracle] + [Gate("x", (q,)) for q in everyone] + [Gate("h", (q,)) for q in everyone]
    return gates


def _random(n: int, depth: int = 10, seed: int = 0) -> list[Gate]:
    """``depth`` layers: a random rotation on every qubit, then CZ on random disjoint pairs."""
    generator = random.Random(seed)
    gates: list[Gate] = []
    for _ in range(depth):
        for q in range(n):
            axis = generator.choice(("rx", "ry", "rz"))
            gates.append(Gate(axis, (q,), (generator.uniform(0.0, 2.0 * math.pi),)))
        order = list(range(n))
        generator.shuffle(order)
        for a, b in zip(order[0::2], order[1::2]):
            gates.append(Gate("cz", (min(a, b), max(a, b))))
    return gates


_GENERATORS: dict[str, Any] = {"qft": _qft, "ghz": _ghz, "grover": _grover, "random": _random}


def _from_file(path: Path) -> Circuit:
    """A circuit from an OpenQASM 2 or 3 file (the version from its header)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        if ":" in str(path) or str(path) in _GENERATORS:
            raise CircuitError(f"{path}: no such file, nor a generator (qft:N, ghz:N, "
                               "grover:N, random:N[:depth[:seed]])") from None
        raise CircuitError(f"{path}: cannot read ({error.strerror})") from None
    try:
        from qiskit import qasm2, qasm3  # noqa: PLC0415 (optional, heavy)
    except ImportError:
        raise CircuitError(f"{path}: reading OpenQASM needs Qiskit (pip install "
                           "'qfab[dqc]')") from None
    version3 = "OPENQASM 3" in text[:4096]
    try:
        if version3:
            circuit = qasm3.loads(text)
        else:
            circuit = qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    except Exception as error:  # noqa: BLE001 (Qiskit's parsers raise several kinds)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise CircuitError(f"{path}: not valid OpenQASM {'3' if version3 else '2'} "
                           f"({first})") from None
    return from_qiskit(circuit, name=path.name)


def from_qiskit(circuit: Any, name: str | None = None) -> Circuit:
    """A Qiskit ``QuantumCircuit`` as a :class:`Circuit` (barriers dropped; other gates
    decomposed into :data:`KNOWN_GATES`).

    Raises
    ------
    CircuitError
        For an object that is not a ``QuantumCircuit``, or a gate Qiskit cannot decompose.
    """
    try:
        from qiskit import QuantumCircuit, transpile  # noqa: PLC0415 (optional, heavy)
    except ImportError:
        raise CircuitError("a Qiskit circuit needs Qiskit (pip install 'qfab[dqc]')") from None
    label = name or (getattr(circuit, "name", None) or "circuit")
    if not isinstance(circuit, QuantumCircuit):
        raise CircuitError(f"{label}: not a circuit generator, OpenQASM file or Qiskit "
                           f"QuantumCircuit (got {type(circuit).__name__})")
    names = {instruction.operation.name for instruction in circuit.data}
    unknown = names - set(KNOWN_GATES) - {"barrier"}
    if unknown:
        basis = sorted(set(KNOWN_GATES) - {"mcx", "mcz"})
        try:
            circuit = transpile(circuit, basis_gates=basis, optimization_level=0)
        except Exception as error:  # noqa: BLE001 (Qiskit's transpiler raises several kinds)
            raise CircuitError(f"{label}: cannot decompose gates {sorted(unknown)} "
                               f"({error})") from None
    index = {qubit: position for position, qubit in enumerate(circuit.qubits)}
    bits = {bit: position for position, bit in enumerate(circuit.clbits)}
    gates: list[Gate] = []
    for instruction in circuit.data:
        operation = instruction.operation
        if operation.name == "barrier":
            continue
        try:
            params = tuple(float(value) for value in operation.params)
        except TypeError:
            raise CircuitError(f"{label}: gate {operation.name} has unbound parameters "
                               f"{operation.params}") from None
        if getattr(operation, "condition", None) is not None:
            raise CircuitError(f"{label}: classically conditioned gates are not supported "
                               f"({operation.name})")
        gates.append(Gate(operation.name, tuple(index[q] for q in instruction.qubits), params,
                          tuple(bits[c] for c in instruction.clbits)))
    return Circuit(circuit.num_qubits, tuple(gates), name=str(label),
                   num_clbits=circuit.num_clbits)
