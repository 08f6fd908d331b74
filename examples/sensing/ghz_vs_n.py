"""Example: phase uncertainty of a GHZ sensor network against the number of sensors.

``N`` sensors share a GHZ state fused at a hub from Werner pairs of fidelity ``F`` (the hub
measures its qubit out: ``N`` pairs, or keeps it with ``--hub-is-sensor``: ``N - 1``). The
parity visibility falls as ``p^k`` (``p = (4F - 1)/3``), so the phase uncertainty
``1/(N V sqrt(nu))`` leaves the Heisenberg limit ``1/(N sqrt(nu))`` as ``N`` grows and
crosses the standard quantum limit ``1/sqrt(N nu)`` where ``N V^2 = 1``. This script writes
the plot (uncertainty against ``N``, one curve per pair fidelity, the two limits as lines)
and prints the table (:func:`qfab.sensing_sweep`; docs/sensing.md).

Usage::

    python examples/sensing/ghz_vs_n.py [OUT.png] [--sensors 2 3 ... 12]
        [--fidelities 1 0.99 0.95 0.9] [--shots 1000] [--hub-is-sensor]

The default writes ``reports/ghz_vs_n.png``; it needs matplotlib (the ``plot`` extra).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

try:
    import qfab
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    import qfab

from qfab.apps.sensing_sweep import SensingPoint  # noqa: E402

#: The table's columns, in order (one row per number of sensors and pair fidelity).
COLUMNS = ("F", "N", "pairs", "F_GHZ", "V", "dphi", "SQL", "HL", "gain_dB")

DEFAULT_OUTPUT = Path("reports") / "ghz_vs_n.png"


def table(points: Sequence[SensingPoint]) -> list[str]:
    """The printed table: a header of :data:`COLUMNS` and one row per point."""
    lines = ["  ".join(f"{c:>10}" for c in COLUMNS)]
    for p in points:
        lines.append("  ".join((f"{p.fidelity:>10g}", f"{p.sensors:>10d}", f"{p.pairs:>10d}",
                                f"{p.ghz_fidelity:>10.6f}", f"{p.parity_visibility:>10.6f}",
                                f"{p.phase_uncertainty:>10.4e}", f"{p.sql_uncertainty:>10.4e}",
                                f"{p.heisenberg_uncertainty:>10.4e}", f"{p.gain_db:>10.3f}")))
    return lines


def plot(points: Sequence[SensingPoint], output: Path, *, shots: int,
         hub_is_sensor: bool) -> None:
    """Write the uncertainty against ``N`` (log scale), one curve per pair fidelity."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.4), layout="constrained")
    axes = figure.add_subplot()
    fidelities = sorted({p.fidelity for p in points}, reverse=True)
    for fidelity in fidelities:
        curve = [p for p in points if p.fidelity == fidelity]
        axes.plot([p.sensors for p in curve], [p.phase_uncertainty for p in curve],
                  marker="o", label=f"GHZ, pairs F = {fidelity:g}")
    first = [p for p in points if p.fidelity == fidelities[0]]
    axes.plot([p.sensors for p in first], [p.sql_uncertainty for p in first], "k--",
              label="standard quantum limit 1/sqrt(N nu)")
    axes.plot([p.sensors for p in first], [p.heisenberg_uncertainty for p in first], "k:",
              label="Heisenberg limit 1/(N sqrt(nu))")
    axes.set_yscale("log")
    axes.set_xlabel("sensors N")
    axes.set_ylabel("phase uncertainty (rad)")
    hub = "the hub a sensor" if hub_is_sensor else "the hub measured out"
    axes.set_title(f"GHZ star fused from Werner pairs, {hub}, nu = {shots:,} shots",
                   fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.savefig(output, dpi=120)


def main(argv: Sequence[str] | None = None) -> int:
    """Compute the sweep, write the plot, print the table.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT,
                        help=f"PNG to write (default {DEFAULT_OUTPUT})")
    parser.add_argument("--sensors", type=int, nargs="+", default=list(range(2, 13)))
    parser.add_argument("--fidelities", type=float, nargs="+",
                        default=[1.0, 0.99, 0.95, 0.9])
    parser.add_argument("--shots", type=int, default=1000)
    parser.add_argument("--hub-is-sensor", action="store_true")
    args = parser.parse_args(argv)
    try:
        points = qfab.sensing_sweep(args.sensors, args.fidelities, shots=args.shots,
                                    hub_is_sensor=args.hub_is_sensor)
    except ValueError as error:
        parser.error(str(error))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    plot(points, args.output, shots=args.shots, hub_is_sensor=args.hub_is_sensor)
    for line in table(points):
        print(line)
    print(f"# plot written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
