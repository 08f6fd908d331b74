"""qfab: model, simulate and orchestrate quantum networks.

One scenario format (:mod:`qfab.spec`), pure physics (:mod:`qfab.physics`) and three
engines behind one interface (:mod:`qfab.engines`): ``analytic`` (closed forms), ``fast``
(vectorized Monte Carlo on NumPy or a GPU) and ``des`` (the event simulation, the reference).

A two-node study from Python:

>>> import qfab
>>> scenario = qfab.scenario({
...     "qfab": 1, "duration": "10 s",
...     "nodes": {"alice": {}, "bob": {}},
...     "links": [{"kind": "depolarizing", "between": ["alice", "bob"], "fidelity": 0.95,
...                "success_probability": 0.1, "cycle_time": "1 ms"}],
...     "requests": [{"kind": "entanglement", "between": ["alice", "bob"], "pairs": 100}]})
>>> result = qfab.run(scenario, engine="analytic")
>>> round(result.requests[0].rate_hz, 6), round(result.requests[0].fidelity, 6)
(100.0, 0.95)

``qfab.load(path)`` reads a YAML file instead; ``qfab.run(path)`` does both. A ``kind:
circuit`` request runs a circuit on the scenario's QPUs the same way, and ``qfab.partition``
places a circuit (a generator such as ``"qft:32"``, an OpenQASM file or a Qiskit
``QuantumCircuit``) on QPUs at the least e-bit cost:

>>> qfab.partition("ghz:8", qpus=4).ebits
3

Ask an engine first with ``qfab.supports``:

>>> qfab.supports(scenario, engine="fast")
Support(ok=True, reason=None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qfab.apps.sensing_sweep import SensingPoint
    from qfab.dqc.partition import Partition
    from qfab.engines.base import ProgressCallback, Support
    from qfab.engines.result import RunResult
    from qfab.protocols.trace import TraceSink
    from qfab.spec.models import ScenarioSpec

__version__ = "0.1.0"

__all__ = ["__version__", "load", "partition", "register", "run", "scenario", "sensing_sweep",
           "supports"]


def load(path: str | Path) -> ScenarioSpec:
    """Read and validate a scenario file (YAML or JSON).

    Raises
    ------
    qfab.errors.ScenarioError
        With the YAML path of the first offending field.
    """
    from qfab.loading import load_scenario

    return load_scenario(path)


def scenario(document: Mapping[str, Any], *, base_dir: str | Path | None = None) -> ScenarioSpec:
    """Validate a scenario given as plain data (the same keys as a YAML file).

    ``base_dir`` resolves relative file names in it (a topology file); default: the
    current directory.
    """
    from qfab.loading import parse_scenario

    return parse_scenario(dict(document),
                          base_dir=None if base_dir is None else Path(base_dir))


def run(source: ScenarioSpec | Mapping[str, Any] | str | Path, /, *, engine: str | None = None,
        seed: int | None = None, progress: ProgressCallback | None = None,
        trace: TraceSink | None = None) -> RunResult:
    """Run a scenario (a spec, plain data or a file name) on an engine.

    Parameters
    ----------
    source
        A validated :class:`~qfab.spec.models.ScenarioSpec`, a mapping with the keys of a
        scenario file, or the path of one.
    engine
        ``"analytic"``, ``"fast"`` or ``"des"``; default: the scenario's ``engine``.
    seed
        Seed of every random stream; default: the scenario's ``seed``.
    progress
        Optional callback receiving the fraction of the run done.
    trace
        Receives the event simulation's trace (engine ``des`` only), e.g. a
        :class:`qfab.protocols.trace.TraceRecorder`; see ``docs/trace.md``.

    Returns
    -------
    RunResult
        ``result.requests[i].rate_hz``, ``.fidelity`` and the other figures of the result
        format; ``result.to_dict()`` is the JSON document of ``qfab run --json``.
    """
    from qfab import engines

    return engines.run(_as_spec(source), engine=engine, seed=seed, progress=progress,
                       trace=trace)


def supports(source: ScenarioSpec | Mapping[str, Any] | str | Path, /, *,
             engine: str | None = None) -> Support:
    """Whether an engine models every parameter of a scenario, or why not.

    Parameters
    ----------
    source
        As for :func:`run`.
    engine
        ``"analytic"``, ``"fast"`` or ``"des"``; default: the scenario's ``engine``.

    Returns
    -------
    Support
        Truthy when the engine runs the scenario; otherwise ``.reason`` names the field it
        does not model (what :func:`run` would raise).
    """
    from qfab import engines

    return engines.supports(_as_spec(source), engine=engine)


def _as_spec(source: ScenarioSpec | Mapping[str, Any] | str | Path) -> ScenarioSpec:
    from qfab.spec.models import ScenarioSpec

    if isinstance(source, (str, Path)):
        return load(source)
    if isinstance(source, ScenarioSpec):
        return source
    return scenario(source)


def partition(circuit: Any, qpus: int, capacity: int | Sequence[int] | None = None,
              links: Sequence[tuple[int, int]] | None = None) -> Partition:
    """Place ``circuit`` on ``qpus`` QPUs at the least e-bit cost (``qfab partition``).

    ``circuit`` is a generator string (``"qft:32"``, ``"ghz:20"``, ``"grover:3"``,
    ``"random:N[:depth[:seed]]"``), an OpenQASM 2/3 file or a Qiskit ``QuantumCircuit``;
    ``capacity`` the data qubits per QPU (one number or one each; default just enough);
    ``links`` the QPU index pairs joined by links (default: all). The result has ``ebits``,
    ``placement`` (QPU index per qubit), ``operations`` and ``ebits_per_link()``;
    :func:`qfab.dqc.placement.to_json` and ``to_qasm`` write it out.

    Raises
    ------
    qfab.dqc.circuits.CircuitError
        For a circuit that cannot be read.
    qfab.dqc.partition.PartitionError
        For QPUs that cannot hold it.
    """
    from qfab.dqc.circuits import load_circuit
    from qfab.dqc.partition import partition as place

    return place(load_circuit(circuit), qpus, capacity, links)


def sensing_sweep(sensors: Sequence[int] | range = range(2, 13),
                  fidelities: Sequence[float] = (1.0, 0.99, 0.97, 0.95), *,
                  shots: int = 1000, hub_is_sensor: bool = False,
                  qubit_coherence: float = 1.0) -> list[SensingPoint]:
    """Phase uncertainty of ``N`` sensors sharing a GHZ state fused from Werner pairs at a
    hub, beside the standard quantum and Heisenberg limits, for each ``N`` and pair
    fidelity (:func:`qfab.apps.sensing_sweep.sensing_sweep`; closed forms).

    >>> import qfab
    >>> [round(p.gain_db, 2) for p in qfab.sensing_sweep([3, 6], [0.99])]
    [4.42, 7.08]
    """
    from qfab.apps.sensing_sweep import sensing_sweep as sweep

    return sweep(sensors, fidelities, shots=shots, hub_is_sensor=hub_is_sensor,
                 qubit_coherence=qubit_coherence)


def register(spec: type | str, implementation: Any) -> None:
    """Add a link kind, memory kind, application or routing policy (:mod:`qfab.plugins`).

    ``spec`` is the kind's spec class (or a routing policy's name), ``implementation`` its
    heralding function, memory-model builder, application class or path function.
    """
    from qfab.plugins import register as register_kind

    register_kind(spec, implementation)
