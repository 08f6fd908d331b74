"""A heralded link as a simulation component: attempts, successes, and the pairs it makes."""

from __future__ import annotations

import numpy as np

from qfab.sim.time import seconds_to_ps

__all__ = ["HeraldedLink"]


class HeraldedLink:
    """A link that heralds pairs with a fixed per-attempt success probability.

    Parameters
    ----------
    between
        End nodes.
    p_success
        Success probability of one attempt.
    period
        Attempt period in seconds.
    herald_delay
        Seconds from emission until both ends hold the herald.
    rng
        The link's own random stream.
    channels
        Attempts that run in parallel (one qubit pair per channel).

    Notes
    -----
    Attempts are independent Bernoulli trials, so the number of attempts up to and including
    the first success is geometric; a channel draws it once and waits that many periods
    instead of simulating each failed attempt as an event.
    """

    def __init__(self, between: tuple[str, str], *, p_success: float, period: float,
                 herald_delay: float, rng: np.random.Generator, channels: int = 1) -> None:
        self.between = between
        self.p_success = p_success
        self.period_ps = seconds_to_ps(period)
        self.herald_delay_ps = seconds_to_ps(herald_delay)
        self.rng = rng
        self.attempts = 0
        self.successes = 0
        self.fidelity_sum = 0.0
        #: Start of each channel's current round of attempts (ps).
        self.pending_since_ps = [0] * channels

    def attempts_until(self, now_ps: int) -> int:
        """Attempts counted so far: completed rounds plus full periods of unfinished ones."""
        period = max(self.period_ps, 1)
        return self.attempts + sum((now_ps - start) // period for start in self.pending_since_ps)

    def attempts_until_success(self) -> int:
        """Draw the number of attempts up to and including the next success (>= 1)."""
        if self.p_success <= 0.0:
            return np.iinfo(np.int64).max // max(self.period_ps, 1)
        return int(self.rng.geometric(self.p_success))
