"""The seam threshold sweep: a surface-code memory split across two modules.

Runs :func:`qfab.dqc.seam.seam_threshold_plot` over code distances, seam errors and bulk
errors, prints each point (shots, errors, logical error per round with its binomial standard
error) and the d_min / next-distance crossing per bulk error, and times the sweep.

Usage: python bench/bench_seam.py [--plot docs/img/seam_threshold.png] [--quick]
       [--workers 2] [--max-errors 1000] [--max-shots 200000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qfab.dqc.seam import seam_threshold, seam_threshold_plot  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", default="seam_threshold.png", help="image to write")
    parser.add_argument("--quick", action="store_true", help="d = 3, 5 and few shots")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-errors", type=int, default=1000)
    parser.add_argument("--max-shots", type=int, default=200_000)
    args = parser.parse_args()
    distances = (3, 5) if args.quick else (3, 5, 7)
    p_links = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
    p_bulks = (1e-3, 5e-3, 1e-2)
    max_errors = 100 if args.quick else args.max_errors
    start = time.perf_counter()
    results = seam_threshold_plot(args.plot, distances=distances, p_links=p_links,
                                  p_bulks=p_bulks, max_shots=args.max_shots,
                                  max_errors=max_errors, num_workers=args.workers)
    elapsed = time.perf_counter() - start
    print("p_bulk   d  p_link   shots  errors  per_round  std_err")
    for p_bulk, points in results.items():
        for p in points:
            print(f"{p_bulk:<7g} {p.distance:2d}  {p.p_link:<6g} {p.shots:7d} {p.errors:6d}"
                  f"  {p.per_round:.3e}  {p.per_round_standard_error:.1e}")
        crossing = seam_threshold(points)
        label = "above the grid or not resolved" if crossing is None else f"{crossing:.3f}"
        print(f"# p_bulk {p_bulk:g}: d = {distances[0]} / {distances[1]} crossing: {label}")
    print(f"# sweep: {elapsed:.1f} s with {args.workers} workers; plot in {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
