"""Quick estimates the orchestrator plans with: path rate, path fidelity, purification.

These are planning estimates, not the analytic engine: the rate of a path treats each link's
pair generation as a Poisson process and ignores memory decoherence; the fidelity is that
of an immediate swap of freshly heralded pairs with the swapping nodes' gate noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from qfab.physics import bell_diagonal, purification
from qfab.spec.models import GateSpec

__all__ = ["PathEstimate", "PurificationPlan", "estimate_path", "plan_purification",
           "expected_max_exponential"]

MAX_ROUNDS = 8


@dataclass(frozen=True)
class PathEstimate:
    """Estimated end-to-end pair (Bell vector) and delivery rate (Hz) of a path."""

    vector: NDArray[np.float64]
    rate_hz: float


@dataclass(frozen=True)
class PurificationPlan:
    """A number of recurrence rounds of a scheme, and what it is expected to give."""

    scheme: str
    rounds: int
    fidelity: float
    pairs_per_delivery: float


def expected_max_exponential(rates: Sequence[float]) -> float:
    """E[max_i T_i] for independent exponential times with the given rates (s).

    ``E = integral_0^inf (1 - prod_i (1 - e^{-rate_i t})) dt`` (the tail-sum formula for the
    maximum of independent variables). With equal rates it is ``H_n / rate``, ``H_n`` the
    n-th harmonic number (Rényi's representation of exponential order statistics).
    """
    if any(rate <= 0 for rate in rates):
        return math.inf
    if len(set(rates)) == 1:
        return math.fsum(1.0 / k for k in range(1, len(rates) + 1)) / rates[0]
    slowest = min(rates)

    def tail(t: float) -> float:
        return 1.0 - math.prod(1.0 - math.exp(-rate * t) for rate in rates)

    from scipy.integrate import quad  # a slow import, needed only here

    # Beyond 50 / slowest the tail is below n e^-50: the integral is exact to rounding.
    value, _ = quad(tail, 0.0, 50.0 / slowest, limit=200)
    return float(value)


def estimate_path(link_vectors: Sequence[NDArray[np.float64]], link_rates: Sequence[float],
                  repeater_gates: Sequence[GateSpec]) -> PathEstimate:
    """Estimate a path's end-to-end pair and delivery rate.

    Parameters
    ----------
    link_vectors
        Heralded Bell vector of each link along the path.
    link_rates
        Pair rate (Hz) of each link.
    repeater_gates
        Gates of the inner nodes of the path, in order (``len(link_vectors) - 1`` of them).

    Notes
    -----
    Fidelity: sequential swaps (Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999)) with each
    repeater's depolarization and measurement error, via
    :func:`qfab.physics.bell_diagonal.swap_chain`.
    Rate: with one pair per link per round, a round lasts the maximum of the links' waiting
    times and succeeds if every swap does: ``rate = prod p_swap / E[max T_i]``, exact for
    two links (Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019)), an approximation
    beyond.
    """
    vector = bell_diagonal.swap_chain(
        np.asarray(link_vectors, dtype=np.float64),
        gate_depolarization=np.array([gates.depolarization for gates in repeater_gates]),
        measurement_error=np.array([gates.measurement_error for gates in repeater_gates]))
    success = math.prod(gates.swap_success_probability for gates in repeater_gates)
    rate = success / expected_max_exponential(link_rates)
    return PathEstimate(np.asarray(vector, dtype=np.float64), rate)


def plan_purification(vector: NDArray[np.float64], *, scheme: str, rounds: int | None,
                      target: float | None, depolarization: float = 0.0,
                      parity_error: float = 0.0) -> PurificationPlan:
    """Rounds of recurrence purification needed to reach ``target``.

    Each round purifies two pairs of the previous round (Bennett et al., PRL 76, 722 (1996);
    Deutsch et al., PRL 77, 2818 (1996)); its output is depolarized with the end nodes'
    gate depolarization. The expected number of raw pairs per delivered pair doubles and is
    divided by the success probability each round.

    Parameters
    ----------
    vector
        Bell vector of an unpurified end-to-end pair.
    scheme
        ``"none"``, ``"bbpssw"`` or ``"dejmps"``.
    rounds
        A fixed number of rounds, or ``None`` for the fewest that reach ``target``
        (up to :data:`MAX_ROUNDS`; the best fidelity seen if none does).
    target
        Fidelity to reach, or ``None``.
    depolarization
        Probability that a round's output is depolarized (imperfect local gates).
    parity_error
        Probability that a round compares its measured bits wrongly (the end nodes'
        read-out errors, :func:`qfab.physics.purification.parity_error`).
    """
    purify = purification.SCHEMES.get(scheme)
    steps = [(vector, 1.0)]
    limit = 0 if purify is None else (MAX_ROUNDS if rounds is None else rounds)
    current, pairs = vector, 1.0
    for _ in range(limit):
        out, p = purify(current, current,  # type: ignore[misc]  # (None only with 0 rounds)
                        parity_error=parity_error)
        current = np.asarray(bell_diagonal.depolarize(out, depolarization), dtype=np.float64)
        pairs = 2 * pairs / float(p)
        steps.append((current, pairs))
    if rounds is not None or purify is None:
        chosen = len(steps) - 1
    else:
        reaching = [k for k, (v, _) in enumerate(steps) if target is None or v[0] >= target]
        chosen = reaching[0] if reaching else max(range(len(steps)), key=lambda k: steps[k][0][0])
    final, cost = steps[chosen]
    return PurificationPlan(scheme if chosen else "none", chosen, float(final[0]), cost)
