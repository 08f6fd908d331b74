"""The Sun's elevation from a low-precision closed form (no ephemeris file).

Whether a ground station sees a night or a day sky decides its background light
(:data:`qfab.physics.free_space.NIGHT_SKY_RADIANCE` and the others). A satellite pass needs the
Sun's elevation to a fraction of a degree, which the Astronomical Almanac's low-precision
formula gives without loading a JPL ephemeris (nothing is downloaded at run time).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["J2000", "solar_elevation", "sun_position"]

#: Julian date of the J2000.0 epoch (2000 January 1, 12h TT; used here on the UT scale).
J2000 = 2451545.0


def sun_position(jd_ut: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Apparent right ascension and declination of the Sun (radians), to about 0.01°.

    Parameters
    ----------
    jd_ut : array_like
        Julian date on the UT1 (or UTC: the difference is under a second) scale.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Right ascension in ``(-pi, pi]`` and declination, radians, of the shape of ``jd_ut``.

    Notes
    -----
    Source: the Astronomical Almanac's "low precision formulas for the Sun" (Section C,
    valid 1950-2050 to 0.01°), also in the NOAA/USNO solar-position notes:
    ``n = JD - 2451545.0``, mean longitude ``L = 280.460° + 0.9856474° n``, mean anomaly
    ``g = 357.528° + 0.9856003° n``, ecliptic longitude
    ``lambda = L + 1.915° sin g + 0.020° sin 2g``, obliquity ``eps = 23.439° - 4e-7° n``,
    ``alpha = atan2(cos eps sin lambda, cos lambda)``, ``delta = asin(sin eps sin lambda)``.
    """
    n = np.asarray(jd_ut, dtype=np.float64) - J2000
    mean_longitude = np.radians(280.460 + 0.9856474 * n)
    anomaly = np.radians(357.528 + 0.9856003 * n)
    longitude = mean_longitude + np.radians(1.915 * np.sin(anomaly)
                                            + 0.020 * np.sin(2.0 * anomaly))
    obliquity = np.radians(23.439 - 4.0e-7 * n)
    right_ascension = np.arctan2(np.cos(obliquity) * np.sin(longitude), np.cos(longitude))
    declination = np.arcsin(np.sin(obliquity) * np.sin(longitude))
    return right_ascension, declination


def solar_elevation(jd_ut: ArrayLike, latitude_deg: float,
                    longitude_deg: float) -> NDArray[np.float64]:
    """Geometric elevation of the Sun's centre above the horizon, radians.

    Parameters
    ----------
    jd_ut : array_like
        Julian date (UT1 or UTC).
    latitude_deg, longitude_deg : float
        Geodetic latitude (north positive) and longitude (east positive) of the observer,
        degrees.

    Returns
    -------
    numpy.ndarray
        The Sun's elevation in radians (no refraction: near the horizon the apparent Sun is
        about 0.5° higher). Astronomical night is below -18°, civil twilight ends at -6°.

    Notes
    -----
    Sources: :func:`sun_position` for the Sun; Greenwich mean sidereal time
    ``GMST = 18.697374558 h + 24.06570982441908 h D`` (``D = JD - 2451545.0``; USNO, "Approximate
    sidereal time", after the IAU 1982 expression, 0.1 s per century); local hour angle
    ``H = GMST + longitude - alpha`` and ``sin h = sin phi sin delta + cos phi cos delta cos H``
    (spherical astronomy; e.g. Meeus, *Astronomical Algorithms*, 2nd ed., Eq. (13.6)).

    Examples
    --------
    At the December solstice the noon Sun at 40° N stands ``90 - 40 - 23.44 = 26.56°`` high:

    >>> import numpy as np
    >>> jd = 2457744.0 + np.arange(0, 1, 1 / 1440)  # 2016-12-21 12h UT, one day by minutes
    >>> round(float(np.degrees(solar_elevation(jd, 40.0, 0.0).max())), 1)
    26.6
    """
    jd = np.asarray(jd_ut, dtype=np.float64)
    right_ascension, declination = sun_position(jd)
    gmst_hours = 18.697374558 + 24.06570982441908 * (jd - J2000)
    hour_angle = np.radians(15.0 * gmst_hours + longitude_deg) - right_ascension
    latitude = np.radians(latitude_deg)
    sine = (np.sin(latitude) * np.sin(declination)
            + np.cos(latitude) * np.cos(declination) * np.cos(hour_angle))
    return np.asarray(np.arcsin(np.clip(sine, -1.0, 1.0)), dtype=np.float64)
