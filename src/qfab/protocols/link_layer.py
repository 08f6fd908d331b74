"""Link layer: heralded entanglement generation on one channel of a link."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from qfab.hardware.link import HeraldedLink
from qfab.sim.kernel import Simulation

__all__ = ["generate_pairs", "HeraldHandler"]

#: Called with (link, channel, emission time in ps) when a herald reaches both ends.
HeraldHandler = Callable[[HeraldedLink, int, int], None]


def generate_pairs(sim: Simulation, link: HeraldedLink, channel: int,
                   on_herald: HeraldHandler) -> Generator[Any, Any, None]:
    """Attempt and herald pairs on one channel of ``link``, for ever.

    The channel waits until both of its slots are free and the link wants pairs, draws the
    number of attempts up to the next success, waits that many periods (the herald of the
    successful attempt arrives at the end of its period, ``herald_delay`` after emission)
    and hands the heralded pair over to ``on_herald``.
    """
    period = link.period_ps
    delay = link.herald_delay_ps
    slot_a, slot_b = link.slots[channel]
    while True:
        while not (slot_a.free and slot_b.free and link.wants_pairs(channel)):
            yield link.changed[channel]
        attempts = link.attempts_until_success()
        link.pending_since_ps[channel] = sim.now
        yield attempts * period
        link.pending_since_ps[channel] = None
        link.attempts += attempts
        link.successes += 1
        on_herald(link, channel, sim.now - delay)
