"""The fiber a clock-sync request runs over, and the scenario checks of clock sync.

A ``kind: clock_sync`` request runs over the ``kind: fiber`` link between its ends or, when
there is none, over the chain of fiber links :func:`~qfab.spec.models.fiber_chain` finds
(taken as one continuous fiber: the losses multiply; lengths, ``fiber.dispersion`` times
length and ``asymmetry`` add). End ``a``'s detectors are the ``detector`` of the link at
``a``, end ``b``'s that of the link at ``b`` (one link: both ends have its detector).

:func:`check_clock_sync` refuses, with the YAML path, what the clock-sync model would
otherwise ignore: detector fields it does not use, a detector on a link in the middle of a
chain, ``fiber.dispersion`` or ``asymmetry`` on a link no clock-sync request runs over, a
node ``clock`` that no clock-sync request reads, and satellite links between the ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qfab.errors import ScenarioError
from qfab.spec.clock_sync import ClockSyncRequestSpec

if TYPE_CHECKING:
    from qfab.spec.models import DetectorSpec, FiberLinkSpec, ScenarioSpec

__all__ = ["ClockSyncRoute", "check_clock_sync", "clock_sync_route"]

#: Relative difference between the source's wavelength and a fiber's design wavelength that
#: is an error (as for the photons of optical links).
_WAVELENGTH_TOLERANCE = 0.1


@dataclass(frozen=True)
class ClockSyncRoute:
    """The fiber links of one clock-sync request, from ``between[0]`` to ``between[1]``.

    Attributes
    ----------
    nodes
        The nodes along the fiber, ends included.
    links
        ``(index in links, link)`` of each fiber link, in order.
    """

    nodes: tuple[str, ...]
    links: tuple[tuple[int, FiberLinkSpec], ...]

    @property
    def detector_a(self) -> DetectorSpec:
        """The detectors of end ``a`` (the first link's)."""
        return self.links[0][1].detector

    @property
    def detector_b(self) -> DetectorSpec:
        """The detectors of end ``b`` (the last link's)."""
        return self.links[-1][1].detector


def clock_sync_route(spec: ScenarioSpec, request: ClockSyncRequestSpec) -> ClockSyncRoute:
    """The fiber links ``request`` runs over (validated: they exist)."""
    from qfab.spec.models import FiberLinkSpec, fiber_chain

    a, b = request.between
    chain = fiber_chain(spec.links, a, b)
    if chain is None:  # pragma: no cover - check_clock_sync refused it
        raise AssertionError("validated: a clock_sync request has fiber links")
    links = []
    for u, v in zip(chain, chain[1:]):
        found = [(index, link) for index, link in enumerate(spec.links)
                 if isinstance(link, FiberLinkSpec) and set(link.between) == {u, v}]
        links.append(min(found, key=lambda item: float(item[1].length)))
    return ClockSyncRoute(tuple(chain), tuple(links))


def check_clock_sync(spec: ScenarioSpec) -> None:
    """Refuse what the clock-sync requests of ``spec`` would ignore (module docstring).

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first such field.
    """
    from qfab.spec.models import FiberLinkSpec, fiber_chain

    used: set[int] = set()
    ends: set[str] = set()
    for position, request in enumerate(spec.requests):
        if not isinstance(request, ClockSyncRequestSpec):
            continue
        a, b = request.between
        ends.update(request.between)
        if fiber_chain(spec.links, a, b) is None:
            satellite = any(getattr(link, "kind", None) == "satellite"
                            and set(link.between) == {a, b} for link in spec.links)
            why = (f"a satellite link joins {a} and {b}: time transfer over a satellite "
                   "pass is not modelled; " if satellite else "")
            raise ScenarioError(f"requests[{position}].between",
                                f"{why}clock_sync needs a kind: fiber link between {a} and "
                                f"{b}, or a chain of them")
        route = clock_sync_route(spec, request)
        for order, (index, fiber) in enumerate(route.links):
            used.add(index)
            at_end = order == 0 or order == len(route.links) - 1
            _check_detector(fiber, index, at_end=at_end)
            _check_wavelength(request, position, fiber, index)
    for index, link in enumerate(spec.links):
        if index in used:
            continue
        if float(link.fiber.dispersion) != 0:
            raise ScenarioError(f"links[{index}].fiber.dispersion",
                                "only clock_sync requests model dispersion, and none runs "
                                "over this link (remove it)")
        if isinstance(link, FiberLinkSpec) and float(link.asymmetry) != 0:
            raise ScenarioError(f"links[{index}].asymmetry",
                                "only clock_sync requests model a path asymmetry, and none "
                                "runs over this link (remove it)")
    for name, node in spec.nodes.items():
        if node.clock is not None and name not in ends:
            raise ScenarioError(f"nodes.{name}.clock",
                                f"no clock_sync request has {name} as an end, so its clock "
                                "would not be read (remove it)")


def _check_detector(link: FiberLinkSpec, index: int, *, at_end: bool) -> None:
    """The detector fields clock sync does not model, and a detector in a chain's middle."""
    from qfab.spec.models import DetectorSpec

    detector = link.detector
    where = f"links[{index}].detector"
    if not at_end:
        if detector != DetectorSpec():
            raise ScenarioError(where, "this link is in the middle of a clock_sync request's "
                                "chain of fiber links: only the links at the two ends hold "
                                "detectors (remove it)")
        return
    default = DetectorSpec()
    unused: dict[str, Any] = {
        "dark_count_probability": "a background probability per window is a QKD receiver's "
        "field; give dark_count_rate",
        "window": "the clock_sync request's window is the coincidence window",
        "dead_time": "the detector's recovery is not modelled in clock sync",
        "afterpulse_probability": "afterpulses are not modelled in clock sync",
    }
    for field, why in unused.items():
        if getattr(detector, field) != getattr(default, field):
            raise ScenarioError(f"{where}.{field}", f"{why} (remove it)")


def _check_wavelength(request: ClockSyncRequestSpec, position: int, link: FiberLinkSpec,
                      index: int) -> None:
    photon, design = request.source.wavelength, link.fiber.wavelength
    if photon is None or design is None:
        return
    if abs(float(photon) - float(design)) > _WAVELENGTH_TOLERANCE * float(design):
        raise ScenarioError(f"requests[{position}].source.wavelength",
                            f"{float(photon) * 1e9:g} nm is more than 10 % away from the "
                            f"design wavelength of links[{index}]'s fiber "
                            f"({float(design) * 1e9:g} nm)")
