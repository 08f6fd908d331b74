"""The discrete-event kernel of qfab.

An integer-picosecond clock, a heap of callbacks with FIFO ties and lazy
cancellation, and generator processes that wait on delays and signals. This
package depends on the standard library only and imports nothing else from qfab.

Examples
--------
>>> from qfab.sim import Simulation, seconds_to_ps
>>> sim = Simulation()
>>> def ping(sim, log):
...     yield seconds_to_ps(1e-6)
...     log.append(sim.now)
>>> log = []
>>> _ = sim.process(ping(sim, log))
>>> sim.run()
>>> log
[1000000]
"""

from .kernel import ScheduledEvent, Simulation
from .process import Interrupt, Process, Signal, any_of
from .time import PS_PER_S, ps_to_seconds, seconds_to_ps

__all__ = [
    "PS_PER_S",
    "Interrupt",
    "Process",
    "ScheduledEvent",
    "Signal",
    "Simulation",
    "any_of",
    "ps_to_seconds",
    "seconds_to_ps",
]
