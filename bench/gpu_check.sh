#!/usr/bin/env bash
# The fast engine on an NVIDIA GPU: check that the CuPy backend agrees with the NumPy one
# (tests/gpu), then run the fast-engine benchmark on both devices in the same run (figures
# are comparable only within one run on one machine).
#
# Usage: bash bench/gpu_check.sh [OUTDIR]
#   on a machine with CUDA, an NVIDIA GPU and a python3 that has CuPy. qfab's other
#   dependencies come from the index, or, on a machine without network, from wheels in
#   .gpu-wheels/ (pip download --only-binary=:all: --python-version 3.12 \
#    --platform manylinux2014_x86_64 -d .gpu-wheels "pydantic>=2.6").
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results}"
mkdir -p "$out"
PY=python3
if ! $PY -c "import cupy" 2>/dev/null; then
  $PY -m venv /tmp/qfab-gpu
  /tmp/qfab-gpu/bin/pip install --quiet 'cupy-cuda12x>=13'
  PY=/tmp/qfab-gpu/bin/python
fi
deps=/tmp/qfab-gpu-deps
if [ -d .gpu-wheels ]; then
  $PY -m pip install --quiet --no-index --find-links .gpu-wheels --target "$deps" pydantic
else
  $PY -m pip install --quiet --target "$deps" 'pydantic>=2.6'
fi
export PYTHONPATH="$PWD/src:$PWD:$deps"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu-device.txt"
$PY -c "import cupy, numpy; print('cupy', cupy.__version__, 'numpy', numpy.__version__)" \
  | tee -a "$out/gpu-device.txt"
$PY -m pytest -p no:cacheprovider -q -m gpu tests/gpu 2>&1 | tee "$out/gpu-tests.txt"
$PY bench/bench_fast.py --device cpu --shots 20000 2>&1 | tee "$out/gpu-bench-cpu.txt"
for shots in 100000 1000000; do
  $PY bench/bench_fast.py --device gpu --shots "$shots" 2>&1 | tee -a "$out/gpu-bench-gpu.txt"
done
