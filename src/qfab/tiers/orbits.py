"""Satellite orbits from a two-line element set: passes over ground stations.

A satellite's orbit comes from a TLE propagated with SGP4 (through skyfield, an optional
dependency: ``pip install 'qfab[satellite]'``, imported inside the functions). Nothing is
downloaded: the timescale is skyfield's built-in one (``load.timescale(builtin=True)``, its
leap-second and UT1 tables ship with the package) and no planetary ephemeris is loaded: the
Sun's elevation, for day and night, comes from the closed form of :mod:`qfab.tiers.sun`.

Times are seconds from a timezone-aware ``start_utc``; ranges in metres, angles in radians
(elevations of the satellite seen from the station, and of the Sun). A TLE is good for days to
weeks around its epoch (atmospheric drag makes it stale): the shipped Micius elements
(:func:`load_tle`) have the epoch 2016-12-18.

Sources: SGP4, Hoots and Roehrich, Spacetrack Report No. 3 (1980), revised by Vallado et al.,
"Revisiting Spacetrack Report #3", AIAA 2006-6753 (the ``sgp4`` package skyfield uses); rise,
culmination and set from skyfield's ``EarthSatellite.find_events`` (B. Rhodes, Skyfield,
Astrophysics Source Code Library ascl:1907.024 (2019)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from qfab.tiers.sun import solar_elevation

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Sequence

__all__ = ["GroundStation", "Pass", "PassTrack", "TimeWindow", "common_passes", "find_passes",
           "load_tle", "pass_track", "satellite_altitude", "shipped_tles", "tle_checksum"]

TLE = tuple[str, str]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class GroundStation:
    """An optical ground station: a name and its WGS84 geodetic position.

    Attributes
    ----------
    name : str
        The station's name.
    latitude_deg, longitude_deg : float
        Geodetic latitude (north positive) and longitude (east positive), degrees.
    altitude_m : float
        Height above the WGS84 ellipsoid, metres.
    """

    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float = 0.0

    def __post_init__(self) -> None:
        if not -90.0 <= self.latitude_deg <= 90.0:
            raise ValueError(f"ground station {self.name!r}: latitude_deg must be in "
                             f"[-90, 90], got {self.latitude_deg!r}")
        if not -180.0 <= self.longitude_deg <= 360.0:
            raise ValueError(f"ground station {self.name!r}: longitude_deg must be in "
                             f"[-180, 360], got {self.longitude_deg!r}")


@dataclass(frozen=True)
class PassTrack:
    """The satellite seen from one station on a regular time grid.

    Attributes
    ----------
    t : numpy.ndarray
        Seconds from ``start_utc``.
    range_m : numpy.ndarray
        Slant range station-to-satellite, metres.
    elevation_rad : numpy.ndarray
        Elevation of the satellite above the station's horizon, radians (negative below it).
    azimuth_rad : numpy.ndarray
        Azimuth of the satellite, radians east of north.
    sun_elevation_rad : numpy.ndarray
        Elevation of the Sun at the station, radians (night: below about -0.3 rad, -18°).
    start_utc : datetime
        The time of ``t = 0``.
    station : GroundStation
        The station.
    """

    t: FloatArray
    range_m: FloatArray
    elevation_rad: FloatArray
    azimuth_rad: FloatArray
    sun_elevation_rad: FloatArray
    start_utc: datetime
    station: GroundStation


@dataclass(frozen=True)
class Pass:
    """One pass of the satellite above a station's minimum elevation (seconds from start).

    A pass already under way at the start has ``rise_s = 0``; one still under way at the end
    of the search has ``set_s`` at the end (``clipped`` is then true).
    """

    rise_s: float
    culmination_s: float
    set_s: float
    max_elevation_rad: float
    clipped: bool = False

    @property
    def duration_s(self) -> float:
        """Seconds from rise to set."""
        return self.set_s - self.rise_s


@dataclass(frozen=True)
class TimeWindow:
    """An interval ``[start_s, end_s]`` in seconds from the start of a search."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        """Seconds from start to end."""
        return self.end_s - self.start_s


def shipped_tles() -> list[str]:
    """Names of the TLE snapshots shipped with qfab (``catalog/data/tle/NAME.tle``)."""
    folder = resources.files("qfab.catalog").joinpath("data", "tle")
    return sorted(item.name.removesuffix(".tle") for item in folder.iterdir()
                  if item.name.endswith(".tle"))


def load_tle(name_or_path: str | Path) -> TLE:
    """The two element lines of a shipped snapshot (``"micius"``) or of a TLE file.

    A file holds an optional name line and the two element lines; lines starting with ``#``
    and blank lines are comments. The checksums (column 69) are verified.

    Raises
    ------
    ValueError
        If the file has no valid pair of element lines, or a checksum is wrong.
    FileNotFoundError
        If a path does not exist and no snapshot has that name.

    Examples
    --------
    >>> line1, line2 = load_tle("micius")
    >>> line1[2:7]
    '41731'
    """
    text = _tle_text(name_or_path)
    lines = [line.rstrip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    elements = [line for line in lines if line[:2] in ("1 ", "2 ")]
    if len(elements) != 2 or not elements[0].startswith("1 ") or \
            not elements[1].startswith("2 "):
        raise ValueError(f"TLE {name_or_path!s}: expected one line 1 and one line 2, "
                         f"found {len(elements)} element lines")
    for line in elements:
        if len(line) != 69:
            raise ValueError(f"TLE {name_or_path!s}: element lines have 69 characters, "
                             f"got {len(line)}: {line!r}")
        if tle_checksum(line) != int(line[68]):
            raise ValueError(f"TLE {name_or_path!s}: checksum of line {line[0]} is "
                             f"{tle_checksum(line)}, the line says {line[68]}")
    return elements[0], elements[1]


def tle_checksum(line: str) -> int:
    """Modulo-10 checksum of a TLE line: its digits plus one per minus sign, columns 1-68.

    Source: the NORAD two-line element format (Hoots and Roehrich, Spacetrack Report No. 3
    (1980), appendix; CelesTrak, "NORAD Two-Line Element Set Format").
    """
    return sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68]) % 10


def pass_track(tle: TLE, station: GroundStation, start_utc: datetime, duration_s: float,
               step_s: float) -> PassTrack:
    """Range, elevation and the Sun's elevation at a station on a regular grid of times.

    Parameters
    ----------
    tle : (str, str)
        The two element lines (:func:`load_tle`).
    station : GroundStation
        The ground station.
    start_utc : datetime
        Timezone-aware start time.
    duration_s, step_s : float
        Length of the track and spacing of its points, seconds (``step_s > 0``); the grid is
        ``0, step_s, ...`` up to and including ``duration_s`` when it falls on the grid.

    Returns
    -------
    PassTrack
        The track (below-horizon points included: select ``elevation_rad > 0``).
    """
    _check_time(start_utc, duration_s)
    if not step_s > 0.0:
        raise ValueError(f"step_s: must be > 0, got {step_s!r}")
    t = np.arange(0.0, duration_s + step_s * 1e-9, step_s, dtype=np.float64)
    timescale, satellite, observer = _skyfield(tle, station)
    times = _times(timescale, start_utc, t)
    altitude, azimuth, distance = (satellite - observer).at(times).altaz()
    sun = solar_elevation(np.asarray(times.ut1, dtype=np.float64), station.latitude_deg,
                          station.longitude_deg)
    return PassTrack(t=t, range_m=np.asarray(distance.m, dtype=np.float64),
                     elevation_rad=np.asarray(altitude.radians, dtype=np.float64),
                     azimuth_rad=np.asarray(azimuth.radians, dtype=np.float64),
                     sun_elevation_rad=sun, start_utc=start_utc, station=station)


def satellite_altitude(tle: TLE, start_utc: datetime, duration_s: float,
                       step_s: float) -> FloatArray:
    """Height of the satellite above the WGS84 ellipsoid (metres) on a grid of times.

    The grid is that of :func:`pass_track`; e.g. one orbital period in 60 s steps gives the
    perigee and apogee heights as the minimum and maximum.
    """
    _check_time(start_utc, duration_s)
    if not step_s > 0.0:
        raise ValueError(f"step_s: must be > 0, got {step_s!r}")
    from skyfield.api import wgs84

    t = np.arange(0.0, duration_s + step_s * 1e-9, step_s, dtype=np.float64)
    timescale, satellite, _ = _skyfield(tle, GroundStation("geocentre", 0.0, 0.0))
    position = satellite.at(_times(timescale, start_utc, t))
    return np.asarray(wgs84.height_of(position).m, dtype=np.float64)


def find_passes(tle: TLE, station: GroundStation, start_utc: datetime, duration_s: float,
                min_elevation_deg: float = 0.0) -> list[Pass]:
    """The passes of the satellite above ``min_elevation_deg`` at a station.

    Parameters
    ----------
    tle : (str, str)
        The two element lines.
    station : GroundStation
        The ground station.
    start_utc : datetime
        Timezone-aware start of the search.
    duration_s : float
        Length of the search, seconds.
    min_elevation_deg : float, optional
        Elevation above which the satellite counts as up, degrees.

    Returns
    -------
    list of Pass
        In time order; rise, culmination and set in seconds from ``start_utc``.
    """
    _check_time(start_utc, duration_s)
    timescale, satellite, observer = _skyfield(tle, station)
    t0 = _times(timescale, start_utc, np.zeros(1))
    t1 = _times(timescale, start_utc, np.array([duration_s]))
    times, events = satellite.find_events(observer, t0[0], t1[0],
                                          altitude_degrees=min_elevation_deg)
    offsets = [(moment - t0[0]) * 86400.0 for moment in times]
    passes: list[Pass] = []
    rise: float | None = None
    best: tuple[float, float] | None = None  # (elevation, time) of the highest culmination
    clipped = False

    def elevation_at(seconds: float) -> float:
        moment = _times(timescale, start_utc, np.array([seconds]))
        return float((satellite - observer).at(moment).altaz()[0].radians[0])

    up_at_start = elevation_at(0.0) > np.radians(min_elevation_deg)
    if up_at_start:
        rise, clipped = 0.0, True
    for offset, event in zip(offsets, events):
        seconds = float(offset)
        if event == 0:
            rise, best, clipped = seconds, None, False
        elif event == 1 and rise is not None:
            height = elevation_at(seconds)
            if best is None or height > best[0]:
                best = (height, seconds)
        elif event == 2 and rise is not None:
            passes.append(_closed_pass(rise, seconds, best, clipped, elevation_at))
            rise, best, clipped = None, None, False
    if rise is not None:
        passes.append(_closed_pass(rise, float(duration_s), best, True, elevation_at))
    return passes


def common_passes(tle: TLE, stations: tuple[GroundStation, GroundStation],
                  start_utc: datetime, duration_s: float,
                  min_elevation_deg: float = 0.0) -> list[TimeWindow]:
    """The intervals when the satellite is above ``min_elevation_deg`` at both stations.

    These are the windows of two simultaneous downlinks (an entangled-pair source on board
    sending one photon to each station): the intersections of the two stations' passes.

    Parameters
    ----------
    tle : (str, str)
        The two element lines.
    stations : (GroundStation, GroundStation)
        The two ground stations.
    start_utc, duration_s, min_elevation_deg
        As in :func:`find_passes`.

    Returns
    -------
    list of TimeWindow
        In time order, each of positive length, seconds from ``start_utc``.
    """
    first, second = stations
    a = find_passes(tle, first, start_utc, duration_s, min_elevation_deg)
    b = find_passes(tle, second, start_utc, duration_s, min_elevation_deg)
    return _intersections([(p.rise_s, p.set_s) for p in a], [(p.rise_s, p.set_s) for p in b])


def _intersections(a: Sequence[tuple[float, float]],
                   b: Sequence[tuple[float, float]]) -> list[TimeWindow]:
    """Pairwise overlaps of two sorted lists of disjoint intervals (a merge)."""
    out: list[TimeWindow] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            out.append(TimeWindow(start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _closed_pass(rise: float, set_: float, best: tuple[float, float] | None, clipped: bool,
                 elevation_at: Callable[[float], float]) -> Pass:
    if best is None:  # no culmination inside the interval (clipped pass): highest end
        ends = [(elevation_at(rise), rise), (elevation_at(set_), set_)]
        best = max(ends)
    return Pass(rise_s=rise, culmination_s=best[1], set_s=set_, max_elevation_rad=best[0],
                clipped=clipped)


def _check_time(start_utc: datetime, duration_s: float) -> None:
    if start_utc.tzinfo is None or start_utc.utcoffset() is None:
        raise ValueError("start_utc: must be timezone-aware (e.g. datetime(..., "
                         "tzinfo=timezone.utc))")
    if not duration_s > 0.0:
        raise ValueError(f"duration_s: must be > 0, got {duration_s!r}")


def _tle_text(name_or_path: str | Path) -> str:
    path = Path(name_or_path)
    if path.suffix == "" and str(name_or_path) in shipped_tles():
        folder = resources.files("qfab.catalog").joinpath("data", "tle")
        return folder.joinpath(f"{name_or_path}.tle").read_text(encoding="utf-8")
    if path.is_file():
        return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"TLE {str(name_or_path)!r}: no such file and no shipped snapshot "
                            f"of that name (shipped: {', '.join(shipped_tles())})")


def _skyfield(tle: TLE, station: GroundStation) -> tuple[Any, Any, Any]:
    """The built-in timescale, the satellite and the station's position (skyfield objects)."""
    try:
        from skyfield.api import EarthSatellite, load, wgs84
    except ImportError as error:  # pragma: no cover - the optional dependency is missing
        raise ImportError("satellite orbits need skyfield: pip install 'qfab[satellite]'"
                          ) from error
    timescale = load.timescale(builtin=True)
    satellite = EarthSatellite(tle[0], tle[1], "satellite", timescale)
    observer = wgs84.latlon(station.latitude_deg, station.longitude_deg,
                            elevation_m=station.altitude_m)
    return timescale, satellite, observer


def _times(timescale: Any, start_utc: datetime, seconds: FloatArray) -> Any:
    """A skyfield Time array at ``start_utc + seconds`` (UTC)."""
    from skyfield.nutationlib import iau2000b_radians

    utc = start_utc - (start_utc.utcoffset() or timedelta(0))
    whole = utc.second + utc.microsecond * 1e-6
    times = timescale.utc(utc.year, utc.month, utc.day, utc.hour, utc.minute,
                          whole + np.asarray(seconds, dtype=np.float64))
    # the truncated IAU 2000B nutation (1 mas, a few cm at 500 km) instead of the full 2000A
    # series, which takes most of the time of a track; skyfield's almanac does the same
    times._nutation_angles_radians = iau2000b_radians(times)
    return times
