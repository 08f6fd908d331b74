"""Example: the seam threshold of a surface code split across two modules.

A rotated surface-code memory is cut in two; the stabilizers on the cut need two-qubit gates
between the modules, which are Bell-pair-mediated and much noisier than the gates inside a
module (Ramette, Sinclair, Breuckmann and Vuletic, npj Quantum Inf. 10 (2024): threshold at
about 1 % bulk error and about 10 % interface error). This script decodes the memory for a few
code distances over a grid of seam (link) errors at 1 % bulk error, writes the threshold plot
(logical error per round against the seam error, one curve per distance) and prints the table
and the d_min / next-distance crossing. The model is described in docs/dqc_seam.md.

Usage::

    python examples/dqc/seam_threshold.py [OUT.png] [--distances 3 5 7]
        [--p-links 0.02 0.05 ...] [--p-bulk 0.01] [--max-shots N] [--max-errors N]
        [--workers N]

The default (``reports/seam_threshold.png``, d = 3, 5, 7, seven seam errors from 2 % to 30 %,
each point stopped at 20,000 shots or 500 logical errors) takes a few seconds on one core. It
needs stim, sinter, pymatching and matplotlib (the ``test`` extra). At 1 % bulk, the bulk
threshold of this model, the distances run together at every seam error: Ramette et al.'s
threshold point sits on that line. ``--p-bulk 0.005 0.01`` adds a panel below it, where the
larger codes win up to a seam error of about 20 %.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from qfab.dqc.seam import SeamPoint, seam_threshold, seam_threshold_plot  # noqa: E402

#: The table's columns, in order (one row per decoded point).
COLUMNS = ("p_bulk", "d", "p_link", "shots", "errors", "per_round", "std_err")

DEFAULT_OUTPUT = Path("reports") / "seam_threshold.png"


def table(results: dict[float, list[SeamPoint]]) -> list[str]:
    """The printed table: a header of :data:`COLUMNS`, one row per point, and one comment
    line per bulk error with the crossing of the two smallest distances.

    Parameters
    ----------
    results : dict
        Points keyed by bulk error, as :func:`qfab.dqc.seam.seam_threshold_plot` returns them.

    Returns
    -------
    list of str
        The lines, without newlines.
    """
    lines = ["  ".join(f"{c:>9}" for c in COLUMNS)]
    for p_bulk, points in results.items():
        for p in points:
            lines.append("  ".join((f"{p_bulk:>9g}", f"{p.distance:>9d}", f"{p.p_link:>9g}",
                                    f"{p.shots:>9d}", f"{p.errors:>9d}", f"{p.per_round:>9.3e}",
                                    f"{p.per_round_standard_error:>9.1e}")))
        distances = sorted({p.distance for p in points})
        crossing = seam_threshold(points)
        label = "none on the grid" if crossing is None else f"p_link {crossing:.3f}"
        lines.append(f"# p_bulk {p_bulk:g}: d = {' / '.join(map(str, distances[:2]))} "
                     f"crossing: {label}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Decode the sweep, write the plot, print the table.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT,
                        help=f"PNG to write (default {DEFAULT_OUTPUT})")
    parser.add_argument("--distances", type=int, nargs="+", default=[3, 5, 7])
    parser.add_argument("--p-links", type=float, nargs="+",
                        default=[0.02, 0.05, 0.08, 0.11, 0.15, 0.2, 0.3])
    parser.add_argument("--p-bulk", type=float, nargs="+", default=[0.01])
    parser.add_argument("--max-shots", type=int, default=20_000)
    parser.add_argument("--max-errors", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        results = seam_threshold_plot(str(args.output), distances=args.distances,
                                      p_links=args.p_links, p_bulks=args.p_bulk,
                                      max_shots=args.max_shots, max_errors=args.max_errors,
                                      num_workers=args.workers)
    except ValueError as error:
        parser.error(str(error))
    for line in table(results):
        print(line)
    print(f"# {time.perf_counter() - start:.1f} s; plot written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
