"""Link credits: which request each link owes pairs to, in which lane.

A request grants each link on its path one pair per lane when its turn starts
(:mod:`qfab.protocols.turns`); a pair that spans the request's ends was made in one lane and
grants each link one more pair in that lane (the next round); a pair lost before spanning them
refunds the link pairs charged to it. Only a request being served is granted pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

from qfab.hardware.link import HeraldedLink
from qfab.hardware.pair import Pair
from qfab.protocols.link_layer import LinkLayer
from qfab.protocols.requests import RequestApp

__all__ = ["CreditLedger"]


class CreditLedger:
    """Grants, refunds and revokes the links' credits.

    Parameters
    ----------
    links
        The links, by index.
    link_layers
        Their link layers, by index, kicked when a link is owed a pair (the assembly may
        fill this list after construction, before the run starts).
    apps
        The requests, by index.
    """

    __slots__ = ("_apps", "_layers", "_links")

    def __init__(self, links: Sequence[HeraldedLink], link_layers: Sequence[LinkLayer],
                 apps: Sequence[RequestApp]) -> None:
        self._links = links
        self._layers = link_layers
        self._apps = apps

    def open(self, app: RequestApp) -> None:
        """``app`` starts: each link on its path owes it one pair in each common lane."""
        links = self._links
        parallel = min(len(links[index].slots) for index in app.links)
        for index in app.links:
            for lane in range(parallel):
                links[index].grant(app.index, lane)
            self._layers[index].kick_all()

    def next_round(self, app: RequestApp, lane: int) -> None:
        """A pair spanning ``app``'s ends was made in ``lane``: each link on its path owes
        one more pair in that lane."""
        if app.serving:
            request = app.index
            for index in app.links:
                self._links[index].grant(request, lane)
                self._layers[index].kick(lane)

    def refund(self, pair: Pair) -> None:
        """``pair`` was lost before spanning its request: its links owe their pairs again."""
        for index, channel, request in pair.charged or ():
            if self._apps[request].serving:
                self._links[index].grant(request, channel)
                self._layers[index].kick(channel)
        pair.charged = None

    def close(self, app: RequestApp) -> None:
        """``app`` is done: no link owes it anything more."""
        for index in app.links:
            self._links[index].revoke(app.index)
