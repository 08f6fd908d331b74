"""Throughput of QKD post-processing on one core, in Mbit/s of sifted key.

Builds a raw BB84 record whose sifted part has the requested QBER, runs
:func:`qfab.qkd.session.run_session` on it (sifting, parameter estimation, LDPC error
correction, verification, Toeplitz privacy amplification, authentication budget) and reports
the sifted bits processed per wall second, for the whole session and for error correction
alone, with the reconciliation efficiency reached and the final key fraction. Needs the
``qkd`` extra (``ldpc``).

Usage: python bench/bench_qkd_postprocess.py [--sifted-bits N] [--qber Q ...] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qfab.qkd.reconciliation import reconcile
from qfab.qkd.session import run_session


def record(sifted: int, qber: float, seed: int) -> tuple[np.ndarray, ...]:
    """A raw record of ``2 sifted`` pulses: half of them share the basis."""
    rng = np.random.default_rng(seed)
    n = 2 * sifted
    alice = rng.integers(0, 2, n, dtype=np.uint8)
    alice_bases = rng.integers(0, 2, n, dtype=np.uint8)
    bob_bases = rng.integers(0, 2, n, dtype=np.uint8)
    bob = alice ^ (rng.random(n) < qber).astype(np.uint8)
    return alice, alice_bases, bob, bob_bases


def bench(sifted: int, qber: float, repeat: int) -> dict[str, float]:
    session_s, ec_s = [], []
    result = None
    for r in range(repeat):
        raw = record(sifted, qber, seed=r)
        start = time.perf_counter()
        result = run_session(*raw, rng=np.random.default_rng(100 + r))
        session_s.append(time.perf_counter() - start)
        rng = np.random.default_rng(200 + r)
        a = rng.integers(0, 2, sifted, dtype=np.uint8)
        b = a ^ (rng.random(sifted) < qber).astype(np.uint8)
        start = time.perf_counter()
        fixed = reconcile(a, b, qber, seed=r)
        ec_s.append(time.perf_counter() - start)
        assert fixed.ok
    assert result is not None
    return {
        "qber": qber,
        "sifted_bits": result.sifted_bits,
        "session_mbit_s": result.sifted_bits / min(session_s) / 1e6,
        "error_correction_mbit_s": sifted / min(ec_s) / 1e6,
        "ec_efficiency": result.ec_efficiency,
        "final_fraction": result.final_key_bits / result.sifted_bits,
        "keys_match": bool(result.ok and result.alice_key is not None
                           and np.array_equal(result.alice_key, result.bob_key)),
        "abort": result.reason or "",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sifted-bits", type=int, default=1 << 21)
    parser.add_argument("--qber", type=float, nargs="+", default=[0.01, 0.02, 0.03, 0.05])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON line per QBER")
    args = parser.parse_args(argv)
    for qber in args.qber:
        row = bench(args.sifted_bits, qber, args.repeat)
        if args.json:
            print(json.dumps(row))
        else:
            print(f"QBER {qber:.3f}: session {row['session_mbit_s']:.2f} Mbit/s of sifted key, "
                  f"error correction alone {row['error_correction_mbit_s']:.2f} Mbit/s, "
                  f"f = {row['ec_efficiency']:.2f}, final/sifted = {row['final_fraction']:.3f}, "
                  f"keys match: {row['keys_match']}"
                  + (f" (aborted: {row['abort']})" if row["abort"] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
