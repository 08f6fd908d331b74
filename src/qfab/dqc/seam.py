"""A surface-code memory split across two modules, joined by a seam of Bell-pair-mediated gates.

The rotated surface code of distance ``d`` (stim's generated ``surface_code:rotated_memory_*``
circuit, taken noiseless) is cut by a vertical line: qubits with ``x <= d`` sit in module A,
the rest in module B, so module A holds ``ceil(d/2)`` columns of data qubits and module B the
other ``floor(d/2)``. Every CNOT whose two qubits sit in different modules is a seam gate: a
teleported gate that consumes one Bell pair. The model follows Ramette, Sinclair, Breuckmann
and Vuletic, "Fault-tolerant connection of error-corrected qubits with noisy links",
npj Quantum Inf. 10 (2024) (doi:10.1038/s41534-024-00855-4): the bulk carries circuit-level
depolarizing noise of strength ``p_bulk`` and the interface gates a two-qubit depolarizing
channel of strength ``p_link``; their abstract reports that the code "can tolerate 14 times
higher noise at the interface compared to the bulk", "reaching threshold with ~1% bulk errors
and ~10% interface errors".

Noise per layer (the operations between two ``TICK``\\ s of the circuit):

- a bulk CNOT is followed by ``DEPOLARIZE2(p_bulk)``, a seam CNOT by ``DEPOLARIZE2(p_link)``;
- the two qubits of a seam CNOT first wait for their Bell pair: ``DEPOLARIZE1(p_wait)`` on
  each before the gate (``p_wait = 0`` by default: the pair is ready when the round needs it);
- single-qubit gates are followed by ``DEPOLARIZE1(p_bulk)``;
- a reset is followed by a flip of probability ``p_bulk`` (``X_ERROR`` after ``R``, ``Z_ERROR``
  after ``RX``), a measurement is preceded by one (the outcome is wrong with that probability);
- every qubit that a layer leaves untouched idles: ``DEPOLARIZE1(p_idle)``, with
  ``p_idle = p_bulk`` unless given (stim's ``SD6``-like standard depolarizing model).

Decoding is minimum-weight perfect matching (pymatching) through sinter. The logical error
rate per round is ``(1 - (1 - 2 P)^(1/r)) / 2`` for a shot error rate ``P`` over ``r`` rounds
(sinter's ``shot_error_rate_to_piece_error_rate``).

stim, pymatching, sinter and matplotlib are optional (the ``test`` extra) and are imported
inside the functions that need them.

Examples
--------
>>> circuit = seam_circuit(3, p_bulk=1e-3, p_link=0.05)
>>> circuit.num_detectors, circuit.num_observables
(24, 1)
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stim  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "SeamPoint",
    "main",
    "seam_circuit",
    "seam_gates",
    "seam_logical_error_rates",
    "seam_threshold",
    "seam_threshold_plot",
]

_BASES = ("x", "z")
_RESETS = {"R": "X_ERROR", "RZ": "X_ERROR", "RX": "Z_ERROR"}
_MEASUREMENTS = {"M": "X_ERROR", "MZ": "X_ERROR", "MX": "Z_ERROR"}
_MEASURE_RESETS = {"MR": "X_ERROR", "MRZ": "X_ERROR", "MRX": "Z_ERROR"}
_SINGLE = {"H", "I"}
_TWO = {"CX", "CNOT", "CZ"}
_ANNOTATIONS = {"DETECTOR", "OBSERVABLE_INCLUDE", "QUBIT_COORDS", "SHIFT_COORDS", "TICK"}


@dataclass(frozen=True)
class SeamPoint:
    """The decoded statistics of one seam memory experiment.

    Attributes
    ----------
    distance : int
        Code distance ``d``.
    rounds : int
        Syndrome-extraction rounds ``r``.
    basis : str
        Memory basis, ``"x"`` or ``"z"``.
    p_bulk : float
        Circuit-level error probability of the bulk operations.
    p_link : float
        Two-qubit depolarizing probability of a seam gate.
    p_wait : float
        Depolarizing probability on each qubit of a seam gate while it waits for its pair.
    p_idle : float
        Depolarizing probability of an idle qubit per layer.
    shots : int
        Shots decoded.
    errors : int
        Shots whose decoded logical outcome was wrong.
    """

    distance: int
    rounds: int
    basis: str
    p_bulk: float
    p_link: float
    p_wait: float
    p_idle: float
    shots: int
    errors: int

    @property
    def shot_error_rate(self) -> float:
        """Fraction of shots with a logical error, ``errors / shots``."""
        return self.errors / self.shots if self.shots else math.nan

    @property
    def shot_standard_error(self) -> float:
        """Binomial standard error of :attr:`shot_error_rate`, ``sqrt(P (1 - P) / n)``."""
        p = self.shot_error_rate
        return math.sqrt(p * (1.0 - p) / self.shots) if self.shots else math.nan

    @property
    def per_round(self) -> float:
        """Logical error rate per round, ``(1 - (1 - 2 P)^(1/r)) / 2``."""
        return _per_round(self.shot_error_rate, self.rounds)

    @property
    def per_round_standard_error(self) -> float:
        """Standard error of :attr:`per_round`, the binomial one carried through the map.

        The derivative of ``(1 - (1 - 2 P)^(1/r)) / 2`` is ``(1 - 2 P)^(1/r - 1) / r``; at
        ``P = 0`` the error of one more error is used (``P = 1/n``) so that a point with no
        errors still has a finite, non-zero uncertainty.
        """
        if not self.shots:
            return math.nan
        if self.shot_error_rate >= 0.5:
            return math.inf
        p = max(self.shot_error_rate, 1.0 / self.shots)
        sigma = math.sqrt(p * (1.0 - p) / self.shots)
        base = max(1.0 - 2.0 * min(p, 0.5 - 1e-12), 1e-12)
        return float(base ** (1.0 / self.rounds - 1.0) / self.rounds * sigma)


def _per_round(shot_rate: float, rounds: int) -> float:
    """Per-round rate from the shot rate over ``rounds`` rounds (sinter's conversion)."""
    import sinter  # type: ignore[import-untyped,unused-ignore]

    return float(sinter.shot_error_rate_to_piece_error_rate(shot_rate, pieces=rounds))


def _check(distance: int, rounds: int, basis: str, **probabilities: float) -> None:
    if distance < 3 or distance % 2 == 0:
        raise ValueError(f"distance: an odd integer >= 3 is needed, got {distance}")
    if rounds < 1:
        raise ValueError(f"rounds: at least one round is needed, got {rounds}")
    if basis not in _BASES:
        raise ValueError(f"basis: one of {', '.join(_BASES)}, got {basis!r}")
    for name, value in probabilities.items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name}: a probability in [0, 1] is needed, got {value}")


def _module_of(circuit: stim.Circuit, distance: int) -> dict[int, int]:
    """Module (0 for A, 1 for B) of every qubit, from its x coordinate."""
    return {q: 0 if coords[0] <= distance else 1
            for q, coords in circuit.get_final_qubit_coordinates().items()}


def _pairs(instruction: stim.CircuitInstruction) -> list[tuple[int, int]]:
    targets = [t.value for t in instruction.targets_copy()]
    return list(zip(targets[::2], targets[1::2], strict=True))


def seam_gates(distance: int, *, basis: str = "z") -> list[tuple[int, int]]:
    """The CNOTs of one syndrome round that cross the seam, as (control, target) qubit pairs.

    Parameters
    ----------
    distance : int
        Odd code distance, at least 3.
    basis : str
        Memory basis, ``"x"`` or ``"z"``.

    Returns
    -------
    list of tuple of int
        Qubit pairs (stim's qubit indices) of the seam gates of one round: two of the four
        CNOTs of each of the ``d - 1`` bulk stabilizers that straddle the cut and one of the
        two of the boundary stabilizer on it: ``2 d - 1`` gates.

    Examples
    --------
    >>> len(seam_gates(3)), len(seam_gates(5))
    (5, 9)
    """
    import stim  # type: ignore[import-untyped,unused-ignore]

    _check(distance, 1, basis)
    ideal = stim.Circuit.generated(f"surface_code:rotated_memory_{basis}",
                                   distance=distance, rounds=1)
    module = _module_of(ideal, distance)
    return [(a, b) for instruction in ideal.flattened() if instruction.name in _TWO
            for a, b in _pairs(instruction) if module[a] != module[b]]


def seam_circuit(distance: int, *, p_bulk: float, p_link: float, p_wait: float = 0.0,
                 p_idle: float | None = None, rounds: int | None = None,
                 basis: str = "z") -> stim.Circuit:
    """The noisy memory circuit of a rotated surface code split across two modules.

    Parameters
    ----------
    distance : int
        Odd code distance ``d``, at least 3.
    p_bulk : float
        Circuit-level error probability inside the modules: two-qubit depolarizing after each
        bulk CNOT, one-qubit depolarizing after each single-qubit gate and on each idle qubit
        per layer, flips after resets and before measurements.
    p_link : float
        Two-qubit depolarizing probability after each seam CNOT (the Bell-pair-mediated gate).
    p_wait : float
        One-qubit depolarizing probability on each qubit of a seam gate before it, for the time
        it waits for its Bell pair.
    p_idle : float, optional
        One-qubit depolarizing probability of a qubit that a layer leaves idle; ``p_bulk`` by
        default.
    rounds : int, optional
        Syndrome rounds; ``d`` by default.
    basis : str
        Memory basis, ``"x"`` or ``"z"``. In the ``z`` memory the failing chains of X errors
        run from top to bottom, along the seam.

    Returns
    -------
    stim.Circuit
        The circuit with detectors and one observable, ready for sinter or pymatching.
    """
    import stim  # type: ignore[import-untyped,unused-ignore]

    rounds = distance if rounds is None else rounds
    noise = _Noise(bulk=p_bulk, link=p_link, wait=p_wait,
                   idle=p_bulk if p_idle is None else p_idle)
    _check(distance, rounds, basis, p_bulk=noise.bulk, p_link=noise.link, p_wait=noise.wait,
           p_idle=noise.idle)
    ideal = stim.Circuit.generated(f"surface_code:rotated_memory_{basis}",
                                   distance=distance, rounds=rounds)
    module = _module_of(ideal, distance)
    qubits = sorted(module)
    return _noisy(ideal, module, qubits, noise)


@dataclass(frozen=True)
class _Noise:
    bulk: float
    link: float
    wait: float
    idle: float


def _noisy(block: stim.Circuit, module: dict[int, int], qubits: list[int],
           noise: _Noise) -> stim.Circuit:
    """``block`` with the noise of the module docstring, layer by layer (repeats kept)."""
    import stim  # type: ignore[import-untyped,unused-ignore]

    out = stim.Circuit()
    layer: list[stim.CircuitInstruction] = []

    def flush() -> None:
        out.__iadd__(_noisy_layer(layer, module, qubits, noise))
        layer.clear()

    for item in block:
        if isinstance(item, stim.CircuitRepeatBlock):
            flush()
            body = _noisy(item.body_copy(), module, qubits, noise)
            out.append(stim.CircuitRepeatBlock(item.repeat_count, body))
        elif item.name == "TICK":
            flush()
            out.append("TICK")
        else:
            layer.append(item)
    flush()
    return out


def _noisy_layer(layer: Sequence[stim.CircuitInstruction], module: dict[int, int],
                 qubits: list[int], noise: _Noise) -> stim.Circuit:
    import stim  # type: ignore[import-untyped,unused-ignore]

    out = stim.Circuit()
    touched: set[int] = set()
    for instruction in layer:
        name = instruction.name
        targets = [t.value for t in instruction.targets_copy()]
        if name in _ANNOTATIONS:
            out.append(instruction)
            continue
        touched.update(targets)
        if name in _MEASUREMENTS or name in _MEASURE_RESETS:
            flip = _MEASUREMENTS.get(name) or _MEASURE_RESETS[name]
            _add(out, flip, targets, noise.bulk)
            out.append(instruction)
            if name in _MEASURE_RESETS:
                _add(out, flip, targets, noise.bulk)
        elif name in _RESETS:
            out.append(instruction)
            _add(out, _RESETS[name], targets, noise.bulk)
        elif name in _SINGLE:
            out.append(instruction)
            _add(out, "DEPOLARIZE1", targets, noise.bulk)
        elif name in _TWO:
            pairs = _pairs(instruction)
            seam = [q for a, b in pairs if module[a] != module[b] for q in (a, b)]
            bulk = [q for a, b in pairs if module[a] == module[b] for q in (a, b)]
            _add(out, "DEPOLARIZE1", seam, noise.wait)
            out.append(instruction)
            _add(out, "DEPOLARIZE2", bulk, noise.bulk)
            _add(out, "DEPOLARIZE2", seam, noise.link)
        else:
            raise ValueError(f"seam noise: no rule for the {name} instruction")
    if touched:
        _add(out, "DEPOLARIZE1", [q for q in qubits if q not in touched], noise.idle)
    return out


def _add(circuit: stim.Circuit, name: str, targets: Sequence[int], p: float) -> None:
    if targets and p > 0.0:
        circuit.append(name, targets, p)


def seam_logical_error_rates(
    distances: Iterable[int], p_links: Iterable[float], *, p_bulk: float = 1e-3,
    p_wait: float = 0.0, p_idle: float | None = None, rounds: int | None = None,
    basis: str = "z", max_shots: int = 20_000, max_errors: int = 200, num_workers: int = 1,
) -> list[SeamPoint]:
    """Logical error rates of the split memory for every (distance, link error) pair.

    Parameters
    ----------
    distances : iterable of int
        Odd code distances.
    p_links : iterable of float
        Seam two-qubit depolarizing probabilities.
    p_bulk : float
        Bulk circuit-level error probability.
    p_wait : float
        Waiting noise on the qubits of each seam gate (see :func:`seam_circuit`).
    p_idle : float, optional
        Idle noise per layer; ``p_bulk`` by default.
    rounds : int, optional
        Rounds per shot; the distance of each code by default.
    basis : str
        Memory basis, ``"x"`` or ``"z"``.
    max_shots, max_errors : int
        sinter stops a point at whichever comes first (small defaults keep calls fast).
    num_workers : int
        sinter worker processes.

    Returns
    -------
    list of SeamPoint
        One point per (distance, p_link), sorted by distance then p_link.
    """
    import sinter  # type: ignore[import-untyped,unused-ignore]

    tasks = []
    for d in distances:
        for p_link in p_links:
            r = d if rounds is None else rounds
            circuit = seam_circuit(d, p_bulk=p_bulk, p_link=p_link, p_wait=p_wait,
                                   p_idle=p_idle, rounds=r, basis=basis)
            metadata = {"d": d, "r": r, "basis": basis, "p_bulk": p_bulk, "p_link": p_link,
                        "p_wait": p_wait, "p_idle": p_bulk if p_idle is None else p_idle}
            tasks.append(sinter.Task(circuit=circuit, json_metadata=metadata))
    stats = sinter.collect(num_workers=num_workers, tasks=tasks, decoders=["pymatching"],
                           max_shots=max_shots, max_errors=max_errors)
    points = [_point(s.json_metadata, s.shots, s.errors) for s in stats]
    return sorted(points, key=lambda p: (p.distance, p.p_link))


def _point(metadata: dict[str, Any], shots: int, errors: int) -> SeamPoint:
    return SeamPoint(distance=int(metadata["d"]), rounds=int(metadata["r"]),
                     basis=str(metadata["basis"]), p_bulk=float(metadata["p_bulk"]),
                     p_link=float(metadata["p_link"]), p_wait=float(metadata["p_wait"]),
                     p_idle=float(metadata["p_idle"]),
                     shots=shots, errors=errors)


def seam_threshold(points: Sequence[SeamPoint]) -> float | None:
    """The link error where the two smallest distances' per-round curves cross.

    The log ratio ``g = ln(rate_small / rate_large)`` is fitted by a straight line in
    ``p_link`` (weighted least squares, weights ``1 / var(g)`` from the binomial standard
    errors, ``var(g) = (s_small / rate_small)^2 + (s_large / rate_large)^2``), and the
    crossing is the fit's root. Points near saturation carry large errors and little weight;
    points without errors (or at a shot error rate of one half or more) are left out.

    Parameters
    ----------
    points : sequence of SeamPoint
        Points of at least two distances on a common grid of ``p_link``.

    Returns
    -------
    float or None
        The crossing, or ``None`` when fewer than two points are usable, the larger code does
        not lose ground as ``p_link`` grows (the fitted slope is not below zero by three of
        its standard errors: curves that run together, as at the bulk threshold), or the
        root lies outside the grid.
    """
    distances = sorted({p.distance for p in points})
    if len(distances) < 2:
        return None
    small = {p.p_link: p for p in points if p.distance == distances[0]}
    large = {p.p_link: p for p in points if p.distance == distances[1]}
    xs: list[float] = []
    gs: list[float] = []
    ws: list[float] = []
    for p_link in sorted(set(small) & set(large)):
        a, b = small[p_link], large[p_link]
        if a.errors == 0 or b.errors == 0 or max(a.shot_error_rate, b.shot_error_rate) >= 0.5:
            continue
        variance = ((a.per_round_standard_error / a.per_round) ** 2
                    + (b.per_round_standard_error / b.per_round) ** 2)
        xs.append(p_link)
        gs.append(math.log(a.per_round / b.per_round))
        ws.append(1.0 / variance)
    if len(xs) < 2:
        return None
    total = sum(ws)
    mean_x = sum(w * x for w, x in zip(ws, xs, strict=True)) / total
    mean_g = sum(w * g for w, g in zip(ws, gs, strict=True)) / total
    sxx = sum(w * (x - mean_x) ** 2 for w, x in zip(ws, xs, strict=True))
    sxg = sum(w * (x - mean_x) * (g - mean_g) for w, x, g in zip(ws, xs, gs, strict=True))
    # the slope sxg / sxx has the standard error 1 / sqrt(sxx): curves that do not separate
    # (a slope within three standard errors of zero) have no crossing to report
    if sxx <= 0.0 or sxg / sxx > -3.0 / math.sqrt(sxx):
        return None
    root = mean_x - mean_g * sxx / sxg
    return root if min(xs) <= root <= max(xs) else None


def seam_threshold_plot(
    path: str, *, distances: Sequence[int] = (3, 5, 7),
    p_links: Sequence[float] = (0.02, 0.05, 0.08, 0.11, 0.15, 0.2, 0.3),
    p_bulks: Sequence[float] = (1e-3, 5e-3, 1e-2), basis: str = "z", max_shots: int = 20_000,
    max_errors: int = 200, num_workers: int = 1,
) -> dict[float, list[SeamPoint]]:
    """Plot the logical error per round against the link error, one panel per bulk error.

    Parameters
    ----------
    path : str
        Image file to write (any format matplotlib knows from the suffix).
    distances : sequence of int
        Code distances, one curve each.
    p_links : sequence of float
        Seam error grid (the x axis).
    p_bulks : sequence of float
        Bulk errors, one panel each (the brief range is 0.1 % to 1 %).
    basis, max_shots, max_errors, num_workers
        As for :func:`seam_logical_error_rates`.

    Returns
    -------
    dict
        The points of each panel, keyed by its bulk error.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = {p_bulk: seam_logical_error_rates(distances, p_links, p_bulk=p_bulk, basis=basis,
                                                max_shots=max_shots, max_errors=max_errors,
                                                num_workers=num_workers)
               for p_bulk in p_bulks}
    figure, axes = plt.subplots(1, len(p_bulks), figsize=(max(4.2 * len(p_bulks), 6.0), 3.8),
                                squeeze=False, sharey=True)
    for ax, (p_bulk, points) in zip(axes[0], results.items(), strict=True):
        for d in distances:
            curve = [p for p in points
                     if p.distance == d and 0 < p.errors and p.shot_error_rate < 0.5]
            ax.errorbar([p.p_link for p in curve], [p.per_round for p in curve],
                        yerr=[p.per_round_standard_error for p in curve], marker="o",
                        capsize=2, label=f"d = {d}")
        crossing = seam_threshold(points)
        if crossing is not None:
            ax.axvline(crossing, color="grey", linestyle=":", label=f"cross {crossing:.3f}")
        ax.set_yscale("log")
        ax.set_xlabel("seam two-qubit error p_link")
        ax.set_title(f"bulk p = {p_bulk:g}")
        ax.legend(fontsize=8)
    axes[0][0].set_ylabel("logical error per round")
    figure.suptitle("Surface code split across two modules (Ramette et al. 2024)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m qfab.dqc.seam``: print the seam memory's error rates, optionally plot them.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(prog="python -m qfab.dqc.seam", description=(
        "Logical error of a surface-code memory split across two modules by a seam of "
        "Bell-pair-mediated gates (Ramette et al., npj Quantum Inf. 10 (2024))."))
    parser.add_argument("--plot", metavar="FILE", help="write the threshold plot to FILE")
    parser.add_argument("--distances", type=int, nargs="+", default=[3, 5, 7])
    parser.add_argument("--p-links", type=float, nargs="+",
                        default=[0.02, 0.05, 0.08, 0.11, 0.15, 0.2, 0.3])
    parser.add_argument("--p-bulk", type=float, nargs="+", default=[1e-3, 5e-3, 1e-2])
    parser.add_argument("--basis", choices=_BASES, default="z")
    parser.add_argument("--max-shots", type=int, default=20_000)
    parser.add_argument("--max-errors", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        if args.plot:
            results = seam_threshold_plot(args.plot, distances=args.distances,
                                          p_links=args.p_links, p_bulks=args.p_bulk,
                                          basis=args.basis, max_shots=args.max_shots,
                                          max_errors=args.max_errors, num_workers=args.workers)
        else:
            results = {p_bulk: seam_logical_error_rates(
                args.distances, args.p_links, p_bulk=p_bulk, basis=args.basis,
                max_shots=args.max_shots, max_errors=args.max_errors,
                num_workers=args.workers) for p_bulk in args.p_bulk}
    except ValueError as error:
        parser.error(str(error))
    print("p_bulk    d  p_link   shots  errors  per_round  std_err")
    for p_bulk, points in results.items():
        for p in points:
            print(f"{p_bulk:<8g} {p.distance:2d}  {p.p_link:<6g} {p.shots:7d} {p.errors:7d}"
                  f"  {p.per_round:.3e}  {p.per_round_standard_error:.1e}")
        crossing = seam_threshold(points)
        label = "none on the grid" if crossing is None else f"{crossing:.4f}"
        pair = " / ".join(str(d) for d in sorted(set(args.distances))[:2])
        print(f"# p_bulk {p_bulk:g}: d = {pair} crossing at p_link {label}")
    if args.plot:
        print(f"# plot written to {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
