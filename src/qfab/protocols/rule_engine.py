"""Node-side rule engine: finds the pairs a rule's condition asks for.

Each node runs the rules the orchestrator installed (:mod:`qfab.orchestrator.rules`) in
order; a rule whose condition holds fires its action, and the node tries again from the top
until no rule applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from qfab.hardware.pair import Pair
from qfab.hardware.qnode import QuantumNode, Slot
from qfab.orchestrator.rules import DeliverRule, PurifyRule, Rule, SwapRule
from qfab.protocols.actions import RuleActions
from qfab.protocols.requests import RequestApp
from qfab.sim.kernel import Simulation

__all__ = ["RuleEngine"]


class RuleEngine:
    """Executes one node's rule set against the pairs the node holds.

    Parameters
    ----------
    node
        The node whose memory the rules look at.
    rules
        The node's rules, in priority order.
    actions
        What the rules' actions do (swap, purify, deliver).
    apps
        The requests, by index (a rule of a request not being served does not fire).
    sim
        The simulation (its clock tells which pairs a node knows).
    wake
        Schedules this node's next evaluation at a time (``(node name, time in ps)``); a
        purify rule whose pairs are not yet known at both ends asks for one at the time they
        are (no other message wakes the node then).
    """

    __slots__ = ("node", "_wake", "rules", "_apps", "_sim", "_swap", "_purify", "_deliver",
                 "_swaps", "_attempts", "reacts_to_news")

    def __init__(self, node: QuantumNode, rules: Sequence[Rule], actions: RuleActions,
                 apps: Sequence[RequestApp], sim: Simulation,
                 wake: Callable[[str, int], None] | None = None) -> None:
        self.node = node
        self._wake = wake
        self.rules = list(rules)
        self._apps = apps
        self._sim = sim
        self._swap = actions.swap
        self._purify = actions.purify
        self._deliver = actions.deliver
        self._swaps = {id(rule): _SwapLanes(node, rule, apps[rule.request])
                       for rule in self.rules if isinstance(rule, SwapRule)}
        attempts: dict[type[Rule], Callable[[Any, int | None], bool]] = {
            SwapRule: self._try_swap, PurifyRule: self._try_purify,
            DeliverRule: self._try_deliver}
        #: Each rule with the method that tries it, in priority order.
        self._attempts = [(rule, attempts[type(rule)]) for rule in self.rules]
        #: Whether news from elsewhere (a pair's far end changed, or became known) can make
        #: a rule fire. An oblivious swap that accepts every far end on each side of the
        #: path looks only at which pairs the node holds, and a swap elsewhere leaves a held
        #: pair usable exactly when it was: such nodes need no wake-up for it.
        self.reacts_to_news = not all(
            isinstance(rule, SwapRule) and not rule.needs_knowledge and
            self._swaps[id(rule)].accepts_any_far_end()
            for rule in self.rules)

    def evaluate(self, lane: int | None = None) -> None:
        """Fire applicable rules until none applies.

        Parameters
        ----------
        lane
            The only lane (qubit index) whose slots changed, if known: a swap in one lane
            touches no other, so swap rules then look at that lane alone.
        """
        apps = self._apps
        fired = True
        while fired:
            fired = False
            for rule, attempt in self._attempts:
                if apps[rule.request].serving and attempt(rule, lane):
                    fired = True
                    break

    def _usable(self, pair: Pair | None, request: int, lanes: _SwapLanes, side: int,
                knowledge: bool) -> bool:
        """Whether ``pair``, held on ``side`` (0 left, 1 right) of a swap rule of
        ``request``, may be used by it at this node."""
        if pair is None or pair.reserved or pair.level != 0 or \
                pair.owner not in (None, request):
            return False
        end = 0 if pair.ends[0].node is self.node else 1
        if not lanes.accepts(side, pair.ends[1 - end].node.name):
            return False
        return not (knowledge and pair.known_ps[end] > self._sim.now)

    def _try_swap(self, rule: SwapRule, lane: int | None) -> bool:
        """Swap the pairs held in the same lane (qubit index) on the two sides.

        Qubit ``j`` towards one neighbour is only ever swapped with qubit ``j`` towards the
        other, and a link's channel ``j`` uses qubit ``j`` at both ends: every lane is a
        chain with one qubit per link, so pairs of different lanes never cross and cannot
        lock each other out of the end nodes' memories.
        """
        lanes = self._swaps[id(rule)]
        candidates = (lanes.slots[lane:lane + 1] if lane is not None and lane < len(lanes.slots)
                      else lanes.slots)
        for left_slot, right_slot in candidates:
            left, right = left_slot.pair, right_slot.pair
            if left is None or right is None:  # the common case, checked first
                continue
            if self._usable(left, rule.request, lanes, 0, rule.needs_knowledge) and \
                    self._usable(right, rule.request, lanes, 1, rule.needs_knowledge):
                self._swap(self.node, left, right, rule.request)
                return True
        return False

    def _pairs_between(self, ends: tuple[str, str]) -> Iterable[Pair]:
        first, last = ends
        seen: set[int] = set()
        for slots in self.node.slots.values():
            for slot in slots:
                pair = slot.pair
                if pair is not None and id(pair) not in seen:
                    seen.add(id(pair))
                    if {pair.ends[0].node.name, pair.ends[1].node.name} == {first, last}:
                        yield pair

    def _try_purify(self, rule: PurifyRule, lane: int | None) -> bool:
        now = self._sim.now
        candidates: list[Pair] = []
        later: list[int] = []
        for pair in self._pairs_between(rule.ends):
            if not pair.reserved and pair.level == rule.level and \
                    pair.owner in (None, rule.request):
                known = max(pair.known_ps)
                if known <= now:
                    candidates.append(pair)
                else:
                    later.append(known)
        if len(candidates) < 2:
            if later and len(candidates) + len(later) >= 2 and self._wake is not None:
                # the round can start once a second pair is known at both ends: the
                # messages that make it known wake only the end they reach
                later.sort()
                self._wake(self.node.name, later[1 - len(candidates)])
            return False
        candidates.sort(key=lambda pair: pair.created_ps, reverse=True)
        self._purify(self.node, candidates[0], candidates[1], rule)
        return True

    def _try_deliver(self, rule: DeliverRule, lane: int | None) -> bool:
        for pair in self._pairs_between(rule.ends):
            if not pair.reserved and pair.level == rule.level and \
                    pair.owner in (None, rule.request):
                self._deliver(pair, rule.request)
                return True
        return False


class _SwapLanes:
    """A swap rule's lanes at one node: (left slot, right slot) of each qubit index, and the
    far ends it accepts on each side as a range of positions on the request's path."""

    __slots__ = ("slots", "_positions", "_ranges", "_segment_ends", "_here", "_length")

    def __init__(self, node: QuantumNode, rule: SwapRule, app: RequestApp) -> None:
        name = node.name
        left = rule.left_link[0] if rule.left_link[1] == name else rule.left_link[1]
        right = rule.right_link[1] if rule.right_link[0] == name else rule.right_link[0]
        self.slots: list[tuple[Slot, Slot]] = list(zip(node.slots[left], node.slots[right]))
        positions = self._positions = app.positions
        self._ranges = ((positions[rule.left_span[0]], positions[rule.left_span[1]]),
                        (positions[rule.right_span[0]], positions[rule.right_span[1]]))
        self._segment_ends = app.segment_ends if rule.segment_ends_only else None
        self._here = positions[name]
        self._length = len(positions)

    def accepts(self, side: int, far_end: str) -> bool:
        """Whether a pair on ``side`` (0 left, 1 right) whose other end is ``far_end`` has
        its other end where the rule wants it."""
        position = self._positions.get(far_end, -1)
        first, last = self._ranges[side]
        if not first <= position <= last:
            return False
        return self._segment_ends is None or position in self._segment_ends

    def accepts_any_far_end(self) -> bool:
        """Whether every node beyond each neighbour on the path is an accepted far end."""
        (left_first, left_last), (right_first, right_last) = self._ranges
        whole = (left_first == 0 and left_last >= self._here - 1 and
                 right_first <= self._here + 1 and right_last == self._length - 1)
        return whole and (self._segment_ends is None or len(self._segment_ends) == self._length)
