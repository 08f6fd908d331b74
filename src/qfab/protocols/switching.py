"""Optical switches in the event simulation: one peer per port, and the time to change it.

A link whose spec has a ``switch`` passes its photons through that switch; each end node has
one port on it. The switch connects a port to one peer at a time, so of the links that share
a port only one can attempt at any moment, and connecting a port pair to a new link takes the
switch's ``reconfiguration_time`` before that link's first attempt:

* a switched link that wants to attempt while both of its ports are connected to it attempts
  at once, as any link does;
* if a port is connected to another link that is attempting (or being connected), the link
  waits; when that link stops attempting (its pairs are in memory, or nobody wants more), the
  waiting links are kicked again;
* otherwise the switch connects both ports to the link (a port's previous connection is
  broken), which takes ``reconfiguration_time``; then the link attempts.

A connection stays as it is while nobody needs its ports (the switch holds its last state), so
a link attempting again on an unchanged connection pays nothing. At the start no port is
connected: the first attempt of every switched link comes after one reconfiguration.

The switch only gates when attempts start; the attempts themselves (their number drawn up to
the next success, the herald one period after the last) are those of
:class:`~qfab.protocols.link_layer.LinkLayer`, whose readiness check this class uses.
"""

from __future__ import annotations

from qfab.hardware.link import HeraldedLink
from qfab.protocols.link_layer import HeraldHandler, LinkLayer
from qfab.sim.kernel import Simulation

__all__ = ["OpticalSwitch", "SwitchedLinkLayer"]


class OpticalSwitch:
    """The ports of one switch: which link each node's port is connected to.

    Parameters
    ----------
    sim
        The simulation.
    name
        The switch's name (links naming it share its ports).
    reconfiguration_ps
        Time to connect a pair of ports to a new link, in ps.

    Attributes
    ----------
    reconfigurations
        Connections made so far.
    connections
        ``(link index, connected at ps)`` of every connection made, in order (the time the
        reconfiguration ended and the link could attempt).
    """

    __slots__ = ("sim", "name", "reconfiguration_ps", "_port", "_waiting", "reconfigurations",
                 "connections")

    def __init__(self, sim: Simulation, name: str, reconfiguration_ps: int) -> None:
        self.sim = sim
        self.name = name
        self.reconfiguration_ps = reconfiguration_ps
        self._port: dict[str, SwitchedLinkLayer] = {}
        self._waiting: dict[str, list[SwitchedLinkLayer]] = {}
        self.reconfigurations = 0
        self.connections: list[tuple[int, int]] = []

    def holder(self, node: str) -> SwitchedLinkLayer | None:
        """The link layer ``node``'s port is connected (or being connected) to."""
        return self._port.get(node)

    def request(self, layer: SwitchedLinkLayer) -> None:
        """``layer`` wants its ports: connect them now, or wait for the links holding them."""
        busy = False
        for node in layer.link.between:
            holder = self._port.get(node)
            if holder is not None and holder is not layer and holder.active:
                waiting = self._waiting.setdefault(node, [])
                if layer not in waiting:
                    waiting.append(layer)
                busy = True
        if busy:
            return
        for node in layer.link.between:
            holder = self._port.get(node)
            if holder is not None and holder is not layer:
                holder.connected = False
                for other in holder.link.between:  # its other port is free now
                    if self._port.get(other) is holder:
                        del self._port[other]
            self._port[node] = layer
        layer.reconfiguring = True
        self.sim.schedule(self.reconfiguration_ps, self._connected, layer)

    def _connected(self, layer: SwitchedLinkLayer) -> None:
        layer.reconfiguring = False
        layer.connected = True
        self.reconfigurations += 1
        self.connections.append((layer.link.index, self.sim.now))
        layer.kick_all()
        if not layer.active:  # nothing to attempt after all: let the others have the ports
            self.released(layer)

    def released(self, layer: SwitchedLinkLayer) -> None:
        """``layer`` stopped attempting: kick the links waiting for its ports."""
        for node in layer.link.between:
            waiting = self._waiting.pop(node, None)
            for other in waiting or ():
                other.kick_all()


class SwitchedLinkLayer(LinkLayer):
    """The link layer of a link through an optical switch (:class:`OpticalSwitch`).

    Parameters
    ----------
    sim, link, on_herald
        As for :class:`~qfab.protocols.link_layer.LinkLayer`.
    switch
        The switch whose ports the link's two ends use.
    """

    __slots__ = ("switch", "connected", "reconfiguring")

    def __init__(self, sim: Simulation, link: HeraldedLink, on_herald: HeraldHandler,
                 switch: OpticalSwitch) -> None:
        super().__init__(sim, link, on_herald)
        self.switch = switch
        #: Both ports are connected to this link (it may attempt).
        self.connected = False
        #: The switch is connecting the ports to this link.
        self.reconfiguring = False

    @property
    def active(self) -> bool:
        """Whether the link uses its ports now: attempting on a channel, or being connected."""
        return self.reconfiguring or any(self._pending)

    def kick(self, channel: int) -> None:
        """Start ``channel``'s attempts if it is idle, its slots free, a pair wanted and the
        switch connects the link's ports (asking the switch for them otherwise)."""
        if not self._ready(channel):
            return
        link = self.link
        if not self.connected:
            if not self.reconfiguring:
                self.switch.request(self)
            return
        attempts = link.attempts_until_success()
        self._pending[channel] = True
        link.pending_since_ps[channel] = self.sim.now
        self.sim.schedule(attempts * self._period, self._herald, channel, attempts)

    def _herald(self, channel: int, attempts: int) -> None:
        super()._herald(channel, attempts)
        if not self.active:
            self.switch.released(self)
