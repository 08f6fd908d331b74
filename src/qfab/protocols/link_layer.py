"""Link layer: heralded entanglement generation on one channel of a link."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from qfab.hardware.link import HeraldedLink
from qfab.hardware.pair import Pair
from qfab.quantum.base import PairState
from qfab.sim.kernel import Simulation

__all__ = ["generate_pairs", "PairHandler"]

#: Receives each heralded pair at the moment its herald reaches both ends.
PairHandler = Callable[[Pair], None]


def generate_pairs(sim: Simulation, link: HeraldedLink, channel: int, emitted: PairState,
                   deliver: PairHandler) -> Generator[Any, Any, None]:
    """Attempt, herald and hand over pairs on one channel, forever.

    Each round draws the attempts until the next success, waits that many periods (the
    herald of the successful attempt arrives at the end of its period) and passes the pair to
    ``deliver``; the pair's qubits have waited ``herald_delay`` in memory by then. The
    channel's qubits are free again as soon as ``deliver`` returns, because the pair is
    consumed on delivery.
    """
    period = link.period_ps
    delay = link.herald_delay_ps
    while True:
        attempts = link.attempts_until_success()
        link.pending_since_ps[channel] = sim.now
        yield attempts * period
        link.attempts += attempts
        link.successes += 1
        link.pending_since_ps[channel] = sim.now
        deliver(Pair(link.between, emitted, sim.now - delay))
