#!/usr/bin/env bash
# Fast engine on an NVIDIA GPU: install CuPy beside qfab, check that the GPU backend agrees
# with the CPU one on a shared scenario, then run the fast-engine benchmark on both devices
# in the same run (figures are comparable only within one run on one machine).
# Usage: bash bench/gpu_check.sh   (on a machine with CUDA 12 and an NVIDIA GPU)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv /tmp/qfab-gpu
/tmp/qfab-gpu/bin/pip install --quiet -e '.[test]' 'cupy-cuda12x>=13'
PY=/tmp/qfab-gpu/bin/python
$PY - <<'PYCODE'
from qfab.engines import run
from qfab.spec import load_scenario
spec = load_scenario("examples/chain_9_nodes.yaml")
cpu = run(spec.model_copy(update={"fast": spec.fast.model_copy(update={"shots": 4000})}), engine="fast")
gpu_spec = spec.model_copy(update={"fast": spec.fast.model_copy(update={"shots": 4000, "device": "gpu"})})
gpu = run(gpu_spec, engine="fast")
for label, result in (("cpu", cpu), ("gpu", gpu)):
    r = result.requests[0]
    print(label, r.rate_hz, r.rate_ci95, r.fidelity, result.wall_time_s)
PYCODE
$PY bench/bench_fast.py --device cpu --shots 20000
$PY bench/bench_fast.py --device gpu --shots 1000000
