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

Over a satellite pass (no fiber joins the ends: :func:`satellite_route`) the request needs a
``mode: downlink`` link (the satellite's source to the station's receiver) and a ``mode:
uplink`` link (the station's source to the satellite's receiver) between the same two nodes,
on the same slices (``start``, ``step``, ``min_elevation`` and ``operate`` alike); one of
them alone is refused (a one-way transfer cannot separate the offset from the delay), and so
are the request's fields a pass does not use (``averaging_time``, ``duration``, ``interval``,
``floor``, ``reference``, the dispersion fields of ``source``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qfab.errors import ScenarioError
from qfab.spec.clock_sync import ClockSyncRequestSpec

if TYPE_CHECKING:
    from qfab.spec.links_satellite import SatelliteLinkSpec
    from qfab.spec.models import DetectorSpec, FiberLinkSpec, ScenarioSpec

__all__ = ["ClockSyncRoute", "SatellitePassRoute", "check_clock_sync", "clock_sync_route",
           "satellite_route"]

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


@dataclass(frozen=True)
class SatellitePassRoute:
    """The two satellite links of a clock-sync request over a pass.

    Attributes
    ----------
    satellite, station
        The node standing for the satellite (no location) and the ground station.
    downlink, uplink
        ``(index in links, link)`` of the ``mode: downlink`` link (the satellite's source,
        the station's receiver) and of the ``mode: uplink`` link (the station's source, the
        satellite's receiver).
    """

    satellite: str
    station: str
    downlink: tuple[int, SatelliteLinkSpec]
    uplink: tuple[int, SatelliteLinkSpec]


def _satellite_links(spec: ScenarioSpec, a: str,
                     b: str) -> list[tuple[int, SatelliteLinkSpec]]:
    from qfab.spec.links_satellite import SatelliteLinkSpec

    return [(index, link) for index, link in enumerate(spec.links)
            if isinstance(link, SatelliteLinkSpec) and link.prepare_measure
            and set(link.between) == {a, b}]


def satellite_route(spec: ScenarioSpec,
                    request: ClockSyncRequestSpec) -> SatellitePassRoute | None:
    """The downlink and uplink ``request`` runs over, or ``None`` when it runs over fiber
    (a fiber link or chain joins its ends) or they lack one of the two links."""
    from qfab.spec.models import fiber_chain

    a, b = request.between
    if fiber_chain(spec.links, a, b) is not None:
        return None
    links = {link.mode: (index, link) for index, link in _satellite_links(spec, a, b)}
    if set(links) != {"downlink", "uplink"}:
        return None
    satellite = a if spec.nodes[a].location is None else b
    return SatellitePassRoute(satellite=satellite, station=b if satellite == a else a,
                              downlink=links["downlink"], uplink=links["uplink"])


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
            passes = _satellite_links(spec, a, b)
            if passes:
                _check_pass(spec, request, position, passes)
                continue
            satellite = any(getattr(link, "kind", None) == "satellite"
                            and set(link.between) == {a, b} for link in spec.links)
            why = (f"a satellite link joins {a} and {b} in mode: entanglement: time "
                   "transfer over a satellite pass needs a mode: downlink and a mode: uplink "
                   "link between the satellite and a station; " if satellite else "")
            raise ScenarioError(f"requests[{position}].between",
                                f"{why}clock_sync needs a kind: fiber link between {a} and "
                                f"{b}, or a chain of them")
        if request.averaging_time is None:
            raise ScenarioError(f"requests[{position}].averaging_time",
                                "Field required: a clock_sync request over fiber needs the "
                                "averaging time of its precision, bias and error budget")
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


#: Fields of a clock-sync request that a satellite pass does not use, and why.
_NOT_OVER_A_PASS = {
    "averaging_time": "a satellite pass reports its precision over the whole pass and the "
                      "time from the pass's start to the target",
    "duration": "the measurement is the links' passes within the scenario's duration",
    "interval": "the links' step sets the slices of the pass",
    "floor": "an environmental floor (the flat TDEV of a stationary record) is not modelled "
             "over a pass",
    "reference": "published TDEV points are drawn beside a TDEV, which a pass does not have",
}

#: Fields of the links of a pass that must be alike so that both directions share slices.
_SAME_SLICES = ("start", "step", "min_elevation", "operate")


def _check_pass(spec: ScenarioSpec, request: ClockSyncRequestSpec, position: int,
                passes: list[tuple[int, SatelliteLinkSpec]]) -> None:
    """A clock-sync request over a satellite pass: both directions, on the same slices, and
    none of the fields a pass does not use."""
    a, b = request.between
    modes = {link.mode: (index, link) for index, link in passes}
    if len(modes) == 1:
        (mode, (index, _)), = modes.items()
        other = "uplink" if mode == "downlink" else "downlink"
        sender, receiver = (("station's", "satellite's") if other == "uplink"
                            else ("satellite's", "station's"))
        raise ScenarioError(f"requests[{position}].between",
                            f"only a satellite {mode} (links[{index}]) joins {a} and {b}: "
                            f"two-way time transfer needs the {other} too (a mode: {other} "
                            f"link between them, the {sender} source to the {receiver} "
                            "receiver); a one-way transfer cannot separate the clock offset "
                            "from the delay")
    down_index, down = modes["downlink"]
    up_index, up = modes["uplink"]
    later, first = (up_index, down) if up_index > down_index else (down_index, up)
    second = spec.links[later]
    for field in _SAME_SLICES:
        if getattr(second, field) != getattr(first, field):
            raise ScenarioError(f"links[{later}].{field}",
                                f"requests[{position}] runs over the downlink and the uplink "
                                f"between {a} and {b} on the same slices: give both links the "
                                f"same {field}")
    for field, why in _NOT_OVER_A_PASS.items():
        given = (field in request.model_fields_set if field == "interval"
                 else getattr(request, field) not in (None, 0.0))
        if given:
            raise ScenarioError(f"requests[{position}].{field}", f"{why} (remove it)")
    source = request.source
    if source.dispersion_cancellation != "none" or source.bandwidth != 0:
        field = "bandwidth" if source.bandwidth != 0 else "dispersion_cancellation"
        raise ScenarioError(f"requests[{position}].source.{field}",
                            "a satellite pass crosses free space, which has no chromatic "
                            "dispersion to spread or cancel (remove it)")
    for index, link in ((down_index, down), (up_index, up)):
        photon, design = source.wavelength, link.wavelength
        if photon is not None and design is not None and abs(
                float(photon) - float(design)) > _WAVELENGTH_TOLERANCE * float(design):
            raise ScenarioError(f"requests[{position}].source.wavelength",
                                f"{float(photon) * 1e9:g} nm is more than 10 % away from the "
                                f"wavelength of links[{index}] ({float(design) * 1e9:g} nm), "
                                "which sets its background")


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
