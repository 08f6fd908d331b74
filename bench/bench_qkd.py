"""Decoy-state BB84 over a 50 km fiber link in the event simulation, on one CPU core.

Times a whole ``kind: qkd`` request (GYS parameters, signal + weak decoy + vacuum, 1 GHz):
the sampled pulses (counts per block, bits only for the detected pulses) and the
post-processing of the sifted signal bits to identical keys; then the sampling alone.
The target: 1e9 pulses in under a minute.

Usage: python bench/bench_qkd.py [--pulses 1e9] [--length-km 50]
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core, as the figures are quoted

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qfab.engines import run  # noqa: E402
from qfab.engines.qkd import fiber_channel  # noqa: E402
from qfab.loading import parse_scenario  # noqa: E402
from qfab.qkd.pulses import sample_bb84  # noqa: E402
from qfab.spec.models import FiberLinkSpec  # noqa: E402


def scenario(pulses: float, length_km: float) -> dict[str, Any]:
    """The 50 km GYS link with one bb84-decoy request of ``pulses`` pulses."""
    return {"qfab": 1, "seed": 1, "duration": f"{pulses / 1e9 + 1} s",
            "nodes": {"alice": {}, "bob": {}},
            "links": [{"kind": "fiber", "between": ["alice", "bob"],
                       "length": f"{length_km} km", "fiber": {"attenuation": "0.21 dB/km"},
                       "detector": {"efficiency": 0.045, "dark_count_probability": 1.7e-6}}],
            "requests": [{"kind": "qkd", "protocol": "bb84-decoy", "between": ["alice", "bob"],
                          "source": {"mu": 0.48, "nu": 0.1, "repetition_rate": "1 GHz"},
                          "decoys": ["nu", "vacuum"], "misalignment": 0.033,
                          "error_correction_efficiency": 1.22, "pulses": f"{pulses:g}"}]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pulses", type=float, default=1e9)
    parser.add_argument("--length-km", type=float, default=50.0)
    args = parser.parse_args()
    spec = parse_scenario(scenario(args.pulses, args.length_km))
    started = time.perf_counter()
    result = run(spec, engine="des")
    whole = time.perf_counter() - started
    extra = result.requests[0].extra
    link = spec.links[0]
    assert isinstance(link, FiberLinkSpec)
    channel = fiber_channel(link)
    started = time.perf_counter()
    record = sample_bb84(int(args.pulses), np.array([0.48, 0.1, 0.0]),
                         np.array([0.8, 0.1, 0.1]), eta=channel.eta,
                         background=channel.background, misalignment=0.033,
                         rng=np.random.default_rng(1))
    sampling = time.perf_counter() - started
    print(f"bb84-decoy, {args.length_km:g} km, {args.pulses:.3g} pulses on one core")
    print(f"  whole request (sampling + post-processing): {whole:.2f} s "
          f"(target < 60 s for 1e9 pulses)")
    print(f"  sampling alone: {sampling:.2f} s, {record.detections:,} detected pulses, "
          f"{args.pulses / sampling:.3g} pulses/s")
    print(f"  sifted {extra['sifted_bits']:,} bits, final key {extra['final_key_bits']:,} "
          f"bits, keys match: {extra['keys_match']}, QBER {extra['qber']:.4f}, "
          f"abort: {extra['abort_reason']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
