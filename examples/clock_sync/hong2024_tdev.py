"""The TDEV of the Hong et al. (2024) example beside the published points.

Runs ``hong2024_103km.yaml`` with the closed forms (analytic) and the Monte Carlo of the
whole measurement (des), prints the TDEV at the published averaging times against the
published values (Hong et al., J. Lightwave Technol. 42, 1479 (2024), arXiv:2305.01897:
3.67 ps at 10 s, 0.28 ps at 40,000 s), and writes ``hong2024_tdev.png`` (and ``.svg``)
beside this file, or in the folder given as the first argument.

Usage: ``python examples/clock_sync/hong2024_tdev.py [OUT_DIR] [--analytic-only]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import qfab
from qfab.report.tdev_plot import plot_tdev

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "hong2024_103km.yaml"
PUBLISHED = [(10.0, 3.67e-12), (40_000.0, 0.28e-12)]


def _at(curve: list[list[float]], tau: float) -> float:
    """The curve's value at the octave tau nearest ``tau`` (log-log interpolated)."""
    import numpy as np

    taus = np.array([point[0] for point in curve])
    devs = np.array([point[1] for point in curve])
    return float(np.exp(np.interp(np.log(tau), np.log(taus), np.log(devs))))


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv and not argv[0].startswith("--") else HERE
    engines = ["analytic"] if "--analytic-only" in argv else ["analytic", "des"]
    rows = {}
    for engine in engines:
        result = qfab.run(SCENARIO, engine=engine)
        rows[engine] = result.requests[0]
    print(f"{'tau (s)':>10}  {'published (ps)':>15}  "
          + "  ".join(f"{engine + ' (ps)':>14}  {'ratio':>6}" for engine in engines))
    for tau, published in PUBLISHED:
        cells = []
        for engine in engines:
            value = _at(rows[engine].extra["tdev"], tau)
            cells.append(f"{value * 1e12:14.3f}  {value / published:6.2f}")
        print(f"{tau:10g}  {published * 1e12:15.3f}  " + "  ".join(cells))
    for engine in engines:
        extra = rows[engine].extra
        print(f"{engine}: {extra['coincidence_rate_hz']:.1f} coincidences/s per direction, "
              f"precision at 10 s {extra['precision_s'] * 1e12:.3f} ps, "
              f"bias {extra['bias_s'] * 1e12:.3f} ps")
    row = rows["des"] if "des" in rows else rows["analytic"]
    paths = plot_tdev(row, out_dir / "hong2024_tdev",
                      title="Hong et al. 2024: 103 km, 38 dB (qfab " + ("des" if "des" in rows
                                                                         else "analytic") + ")")
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
