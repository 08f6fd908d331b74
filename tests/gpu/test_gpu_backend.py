"""The fast engine on an NVIDIA GPU (CuPy) against the same engine on the CPU (NumPy).

Skipped where CuPy or a CUDA device is missing (CI has neither); ``bench/gpu_check.sh``
runs these on a GPU machine. The two devices draw from different random generators, so
the results agree in distribution only: rate and fidelity are held to five combined
standard errors, taken from each run's 95 % interval over its ``fast.shots`` runs.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import pytest

from qfab.engines import run
from qfab.engines.fast.backend import device_support
from qfab.loading import parse_scenario
from tests.validation.test_engine_agreement import SCENARIOS

SHOTS = 4000


def _gpu_available() -> bool:
    return bool(device_support("gpu"))


pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not _gpu_available(), reason="no CuPy or no CUDA device")]


def _on(device: str, name: str, seed: int = 3) -> dict[str, object]:
    document = {**SCENARIOS[name], "fast": {"shots": SHOTS, "device": device}}
    return asdict(run(parse_scenario(document), engine="fast", seed=seed).requests[0])


def _standard_error(interval: list[float] | tuple[float, float] | None) -> float:
    if interval is None:
        return 0.0
    return (interval[1] - interval[0]) / 2 / 1.96


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_gpu_and_cpu_agree(name: str) -> None:
    cpu, gpu = _on("cpu", name), _on("gpu", name)
    assert gpu["delivered"] == cpu["delivered"]
    for value, interval in (("rate_hz", "rate_ci95"), ("fidelity", "fidelity_ci95")):
        a, b = float(cpu[value]), float(gpu[value])  # type: ignore[arg-type]
        error = math.hypot(_standard_error(cpu[interval]),  # type: ignore[arg-type]
                           _standard_error(gpu[interval]))  # type: ignore[arg-type]
        assert abs(a - b) <= 5 * error + 1e-9 * abs(a), (value, a, b, error)


def test_same_seed_same_gpu_result() -> None:
    name = "4-link chain, 20 km hops, T2, gate noise"
    assert _on("gpu", name, seed=7) == _on("gpu", name, seed=7)
