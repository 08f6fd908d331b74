"""Seeded random job mixes for the scheduler's benchmark, tests and examples.

Jobs arrive as a Poisson process (exponential gaps of mean ``1 / arrival_rate``) from
tenants taken in turn; each needs a uniform number of data qubits in
``[1, max_qubits]``, an exponential duration of mean ``mean_duration`` and
``ebits_per_pair`` uniform in ``[0, max_ebits]`` when split.
"""

from __future__ import annotations

from collections.abc import Sequence

from qfab.dqc.scheduler_model import Job
from qfab.errors import ScenarioError
from qfab.rng import RandomStreams

__all__ = ["random_jobs"]


def random_jobs(n: int, *, seed: int, tenants: Sequence[str] = ("a", "b", "c", "d"),
                arrival_rate: float = 1.0, max_qubits: int = 16, mean_duration: float = 1.0,
                max_ebits: int = 100) -> list[Job]:
    """``n`` random jobs (see the module docstring); the same seed gives the same jobs.

    Examples
    --------
    >>> jobs = random_jobs(3, seed=5)
    >>> jobs == random_jobs(3, seed=5), [job.tenant for job in jobs]
    (True, ['a', 'b', 'c'])
    """
    if n < 0 or not tenants or arrival_rate <= 0 or max_qubits < 1 or mean_duration <= 0 \
            or max_ebits < 0:
        raise ScenarioError("workload", "needs n >= 0, tenants, positive rates, sizes and "
                                        "durations, and max_ebits >= 0")
    rng = RandomStreams(seed).stream("scheduler:workload")
    arrivals = rng.exponential(1.0 / arrival_rate, n).cumsum()
    qubits = rng.integers(1, max_qubits + 1, n)
    durations = rng.exponential(mean_duration, n)
    ebits = rng.integers(0, max_ebits + 1, n)
    return [Job(tenant=tenants[i % len(tenants)], arrival=float(arrivals[i]),
                qubits=int(qubits[i]), duration=float(durations[i]) + 1e-9,
                ebits_per_pair=int(ebits[i]), name=f"job{i}")
            for i in range(n)]
