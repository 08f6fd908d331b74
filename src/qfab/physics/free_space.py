"""Free-space optical links: Gaussian-beam geometric loss, the atmosphere, the sky background.

The link budget of a satellite downlink (or uplink) as in the design study of Bourgoin et al.,
"A comprehensive design and performance analysis of low Earth orbit satellite quantum
communication", New J. Phys. 15, 023006 (2013) (below "Bourgoin 2013"): the transmitted beam
is a Gaussian beam of far-field half-angle divergence ``theta`` (1/e^2 intensity), a circular
receiver of diameter ``D`` collects the part of it that falls on its aperture, the atmosphere
attenuates it by its zenith transmittance raised to the air mass, and the transmitter and
receiver optics (detectors included) pass fixed fractions. Pointing jitter widens the
time-averaged spot (beam wandering, Vasylyev, Semenov and Vogel, PRL 108, 220501 (2012)).

Units are SI throughout: metres, radians, seconds, watts; wavelengths and filter bandwidths
in metres (1 nm is ``1e-9``); spectral radiances in W m^-2 sr^-1 m^-1 (see
:data:`NIGHT_SKY_RADIANCE`). Every function broadcasts and returns a NumPy scalar for scalar
inputs. No clock and no random numbers: a pass is a sequence of (distance, elevation) points
that the caller computes (:mod:`qfab.tiers.orbits`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = [
    "CLEAR_DAY_SKY_RADIANCE",
    "FULL_MOON_SKY_RADIANCE",
    "NIGHT_SKY_RADIANCE",
    "PLANCK",
    "SPEED_OF_LIGHT",
    "AirMassModel",
    "air_mass",
    "beam_wander_jitter",
    "atmospheric_transmittance",
    "background_photons_per_window",
    "beam_radius",
    "diffraction_divergence",
    "EARTH_RADIUS",
    "downlink_transmittance",
    "elevation_from_range",
    "field_of_view_solid_angle",
    "geometric_transmittance",
    "long_term_beam_radius",
]

#: Speed of light in vacuum, m/s (exact, SI 2019).
SPEED_OF_LIGHT = 299_792_458.0
#: Planck constant, J s (exact, SI 2019).
PLANCK = 6.626_070_15e-34

# Sky spectral radiances near 800 nm, W m^-2 sr^-1 per metre of bandwidth (the literature
# quotes them per nanometre, W m^-2 sr^-1 nm^-1: the factor 1e9 converts). They are typical
# values for a clear sky at a dark site, derived as stated; a real site (light pollution,
# aerosols, the Moon's phase and position, the angle to the Sun) differs by an order of
# magnitude either way, so a scenario should give its own when it has one.
#: Clear moonless night sky, ``4.8e-9`` W m^-2 sr^-1 nm^-1: the I-band (800 nm) dark-sky
#: surface brightness of about 19.9 mag/arcsec^2 at a high observatory (C. R. Benn and
#: S. L. Ellison, New Astron. Rev. 42, 503 (1998), Table 1, La Palma) with the I-band zero
#: point 1.13e-11 W m^-2 nm^-1 (M. S. Bessell, F. Castelli and B. Plez, A&A 333, 231 (1998),
#: Table A2) and 4.25e10 arcsec^2 per steradian.
NIGHT_SKY_RADIANCE = 4.8e-9 * 1e9
#: Night sky with a full Moon well above the horizon, ``5e-8`` W m^-2 sr^-1 nm^-1: assumed,
#: ten times the dark sky (the Moon brightens the red and near-infrared sky by about 2.5
#: magnitudes at moderate angular distances; K. Krisciunas and B. E. Schaefer, PASP 103, 1033
#: (1991), whose model is for the V band).
FULL_MOON_SKY_RADIANCE = 5e-8 * 1e9
#: Clear daytime sky away from the Sun, ``1e-2`` W m^-2 sr^-1 nm^-1 (10 W m^-2 sr^-1 µm^-1):
#: assumed order of magnitude at 800 nm; the daylight background is six to seven orders of
#: magnitude above the night's, which is why the Micius downlinks ran at night
#: (Er-long Miao et al., New J. Phys. 7, 215 (2005), compare day, full-Moon and moonless
#: backgrounds; Bourgoin 2013, Sec. 4).
CLEAR_DAY_SKY_RADIANCE = 1e-2 * 1e9

#: Mean Earth radius, m (IUGG mean radius R1 of the WGS84 ellipsoid, 6371.0088 km).
EARTH_RADIUS = 6_371_008.8

AirMassModel = Literal["plane-parallel", "kasten-young"]


def elevation_from_range(slant_range: ArrayLike, altitude: ArrayLike, *,
                         earth_radius: ArrayLike = EARTH_RADIUS) -> FloatArray:
    """Elevation at which a satellite at ``altitude`` is seen at a given slant range.

    ``sin(elevation) = ((R + h)^2 - R^2 - L^2) / (2 R L)`` on a spherical Earth of radius
    ``R`` (station at sea level; for a station at height ``s`` use ``R + s`` and ``h - s``).

    Parameters
    ----------
    slant_range : array_like
        Station-to-satellite distance ``L`` in metres, between ``h`` (zenith) and the horizon
        range ``sqrt((R + h)^2 - R^2)``.
    altitude : array_like
        Satellite height ``h`` above the sphere, metres, ``> 0``.
    earth_radius : array_like, optional
        ``R`` in metres (:data:`EARTH_RADIUS`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Elevation in radians, in ``[0, pi/2]``.

    Notes
    -----
    Source: the law of cosines in the triangle Earth centre - station - satellite, whose
    angle at the station is ``pi/2 + elevation``; the inverse of the range-zenith relation
    of Vasylyev, Vogel and Moll, PRA 99, 053830 (2019), Eq. (1).

    Examples
    --------
    >>> round(float(np.degrees(elevation_from_range(500e3, 500e3))), 6)  # overhead
    90.0
    """
    length = _checks.positive("slant_range", slant_range)
    height = _checks.positive("altitude", altitude)
    radius = _checks.positive("earth_radius", earth_radius)
    horizon = np.sqrt((radius + height) ** 2 - radius**2)
    if np.asarray((length < height * (1 - 1e-12)) | (length > horizon * (1 + 1e-12))).any():
        raise ValueError("slant_range: must lie between the altitude (zenith) and the range "
                         "at the horizon, sqrt((R + h)^2 - R^2)")
    sine = ((radius + height) ** 2 - radius**2 - length**2) / (2.0 * radius * length)
    return _checks.scalar_or_array(np.arcsin(np.clip(sine, 0.0, 1.0)))


def diffraction_divergence(wavelength: ArrayLike, waist: ArrayLike) -> FloatArray:
    """Far-field half-angle divergence ``theta = lambda / (pi w0)`` of a Gaussian beam.

    Parameters
    ----------
    wavelength : array_like
        Wavelength in metres, ``> 0``.
    waist : array_like
        1/e^2 intensity radius of the beam at its waist, in metres, ``> 0`` (for a
        diffraction-limited transmitter, of the order of its aperture radius).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The half-angle (1/e^2 intensity) divergence in radians.

    Notes
    -----
    Source: the Gaussian-beam solution of the paraxial wave equation,
    ``w(z) = w0 sqrt(1 + (z / z_R)^2)`` with the Rayleigh range ``z_R = pi w0^2 / lambda``,
    whose asymptote is ``w -> theta z`` (A. E. Siegman, *Lasers* (University Science Books,
    1986), Sec. 17.1, Eqs. (17.5)-(17.13)); Bourgoin 2013, Sec. 3.1, uses it for the
    diffraction-limited divergence of the transmitter.

    Examples
    --------
    >>> round(float(diffraction_divergence(810e-9, 0.05)) * 1e6, 2)  # microradians
    5.16
    """
    wavelength_ = _checks.positive("wavelength", wavelength)
    waist_ = _checks.positive("waist", waist)
    return _checks.scalar_or_array(wavelength_ / (np.pi * waist_))


def beam_radius(distance: ArrayLike, divergence: ArrayLike, *,
                waist: ArrayLike = 0.0) -> FloatArray:
    """1/e^2 intensity radius of a Gaussian beam after a distance.

    ``w(L) = sqrt(w0^2 + (theta L)^2)``; in the far field (``w0 = 0``, the default) ``theta L``.

    Parameters
    ----------
    distance : array_like
        Propagation distance ``L`` in metres, ``>= 0``.
    divergence : array_like
        Far-field half-angle divergence ``theta`` (1/e^2 intensity) in radians, ``>= 0``.
    waist : array_like, optional
        Beam radius ``w0`` at the transmitter (the waist), metres, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The beam radius in metres.

    Notes
    -----
    Source: the Gaussian-beam radius ``w(z)^2 = w0^2 (1 + (z / z_R)^2)``
    ``= w0^2 + (theta z)^2`` with ``theta = w0 / z_R = lambda / (pi w0)`` (Siegman, *Lasers*,
    Sec. 17.1); Bourgoin 2013, Sec. 3.1, Eq. (2), writes the received spot in this form for a
    given divergence. With an independently given divergence (a transmitter that is not
    diffraction limited) the same expression is the usual embedded-Gaussian approximation.

    Examples
    --------
    >>> round(float(beam_radius(530e3, 5e-6)), 6)
    2.65
    """
    distance_ = _checks.nonnegative("distance", distance)
    theta = _checks.nonnegative("divergence", divergence)
    w0 = _checks.nonnegative("waist", waist)
    return _checks.scalar_or_array(np.sqrt(w0 * w0 + (theta * distance_) ** 2))


def long_term_beam_radius(distance: ArrayLike, divergence: ArrayLike, *,
                          pointing_jitter: ArrayLike = 0.0,
                          waist: ArrayLike = 0.0) -> FloatArray:
    """Radius of the time-averaged spot of a Gaussian beam with Gaussian pointing jitter.

    ``w_lt^2 = w^2 + 4 (sigma L)^2``, ``w`` from :func:`beam_radius`, ``sigma`` the
    standard deviation of the pointing angle along each transverse axis.

    Parameters
    ----------
    distance, divergence, waist : array_like
        As in :func:`beam_radius`.
    pointing_jitter : array_like, optional
        Pointing jitter ``sigma`` in radians (rms per axis), ``>= 0``; 0 (the default) gives
        :func:`beam_radius`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The long-term 1/e^2 radius in metres.

    Notes
    -----
    A jitter ``sigma`` moves the beam centre at the receiver by a Gaussian offset of
    variance ``(sigma L)^2`` per axis (the beam-wandering model of Vasylyev, Semenov and
    Vogel, PRL 108, 220501 (2012), with ``sigma_bw = sigma L``; Bourgoin 2013, Sec. 3.1,
    treats the pointing error the same way). The intensity ``exp(-2 r^2 / w^2)`` has variance
    ``w^2 / 4`` per axis; averaging it over the Gaussian offsets convolves the two Gaussians,
    so the variances add: ``w_lt^2 / 4 = w^2 / 4 + (sigma L)^2``. Because the collected power
    is linear in the intensity, the mean transmittance through an aperture is exactly that
    of the long-term spot (:func:`geometric_transmittance`).
    """
    sigma = _checks.nonnegative("pointing_jitter", pointing_jitter)
    distance_ = _checks.nonnegative("distance", distance)
    w = np.asarray(beam_radius(distance_, divergence, waist=waist))
    return _checks.scalar_or_array(np.sqrt(w * w + 4.0 * (sigma * distance_) ** 2))


def beam_wander_jitter(pointing_jitter: ArrayLike, beam_wander: ArrayLike) -> FloatArray:
    """Rms angular displacement per axis of a beam that is mispointed and wanders.

    ``sigma = sqrt(sigma_p^2 + sigma_bw^2)``: the pointing error ``sigma_p`` of the
    transmitter and the beam wander ``sigma_bw`` that turbulence next to a ground transmitter
    adds (an uplink) are independent Gaussian displacements of the beam's centre, so their
    variances add; the sum is the ``pointing_jitter`` of :func:`long_term_beam_radius`.

    Parameters
    ----------
    pointing_jitter, beam_wander : array_like
        Rms angles per axis in radians, ``>= 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The combined rms angle per axis in radians.

    Notes
    -----
    Source: beam wander as a random, Gaussian-distributed displacement of the beam centroid
    (Vasylyev, Semenov and Vogel, PRL 108, 220501 (2012)); for an uplink it is the dominant
    turbulence effect, because the turbulent layer sits at the start of the path and its
    deflection grows with the whole distance (Bourgoin 2013, Sec. 3.3). Widening of the
    short-term beam by turbulence is not in this term: give the effective divergence.
    """
    sigma_p = _checks.nonnegative("pointing_jitter", pointing_jitter)
    sigma_bw = _checks.nonnegative("beam_wander", beam_wander)
    return _checks.scalar_or_array(np.sqrt(sigma_p * sigma_p + sigma_bw * sigma_bw))


def geometric_transmittance(distance: ArrayLike, divergence: ArrayLike,
                            receiver_diameter: ArrayLike, *,
                            pointing_jitter: ArrayLike = 0.0,
                            waist: ArrayLike = 0.0) -> FloatArray:
    """Fraction of a Gaussian beam that a circular receiver aperture collects.

    ``T_geo = 1 - exp(-2 a^2 / w_lt^2)``, ``a = D / 2`` the aperture radius and ``w_lt`` the
    (long-term) beam radius at the receiver (:func:`long_term_beam_radius`).

    Parameters
    ----------
    distance : array_like
        Transmitter-to-receiver distance in metres, ``>= 0``.
    divergence : array_like
        Far-field half-angle divergence (1/e^2 intensity) in radians, ``>= 0``.
    receiver_diameter : array_like
        Diameter ``D`` of the receiving aperture in metres, ``>= 0``.
    pointing_jitter : array_like, optional
        Rms pointing jitter per axis in radians (0: a perfectly pointed beam).
    waist : array_like, optional
        Beam radius at the transmitter in metres (0: the far-field form).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Mean geometric transmittance in [0, 1] (1 for a beam of zero size).

    Notes
    -----
    Source: the power of a centred Gaussian beam ``I(r) = (2 P / pi w^2) exp(-2 r^2 / w^2)``
    inside a radius ``a`` is ``P (1 - exp(-2 a^2 / w^2))`` (Siegman, *Lasers*, Sec. 17.1,
    Eq. (17.9)); Bourgoin 2013, Sec. 3.1, Eq. (3), uses it for the geometric loss of the
    downlink. Far field: ``T_geo ~ 2 a^2 / (theta L)^2`` falls as ``1 / L^2``. Pointing
    jitter: the mean over Gaussian beam wandering is the same expression with the long-term
    radius (see :func:`long_term_beam_radius`).

    Examples
    --------
    The validation figures of a 5 µrad beam into a 1.2 m telescope (loss in dB):

    >>> from qfab.physics.decibel import loss_db
    >>> round(float(loss_db(geometric_transmittance(530e3, 5e-6, 1.2))), 2)
    10.11
    >>> round(float(loss_db(geometric_transmittance(1000e3, 5e-6, 1.2))), 2)
    15.47
    """
    diameter = _checks.nonnegative("receiver_diameter", receiver_diameter)
    w_lt = np.asarray(long_term_beam_radius(distance, divergence,
                                            pointing_jitter=pointing_jitter, waist=waist))
    radius = diameter / 2.0
    finite = w_lt > 0.0
    width = np.where(finite, w_lt, 1.0)
    # -expm1 keeps the far-field tail accurate (1 - exp(-x) for x << 1); a beam of zero size
    # falls wholly inside any aperture, and a zero aperture collects nothing
    transmittance = np.where(finite, -np.expm1(-2.0 * radius * radius / (width * width)), 1.0)
    transmittance = np.where(radius > 0.0, transmittance, 0.0)
    return _checks.scalar_or_array(np.asarray(transmittance, dtype=np.float64))


def air_mass(elevation: ArrayLike, *, model: AirMassModel = "plane-parallel") -> FloatArray:
    """Relative optical air mass at an elevation angle (1 at the zenith).

    Parameters
    ----------
    elevation : array_like
        Elevation of the line of sight above the horizon, radians, in ``(0, pi/2]``.
    model : {"plane-parallel", "kasten-young"}, optional
        ``"plane-parallel"`` (default): ``m = 1 / sin(elevation)``, the secant of the zenith
        angle. ``"kasten-young"``: the curved-atmosphere interpolation of Kasten and Young,
        ``m = 1 / (cos z + 0.50572 (96.07995 - z)^-1.6364)`` with the zenith angle ``z`` in
        degrees, which stays finite (about 38) at the horizon.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The air mass, ``>= 1`` (up to rounding).

    Notes
    -----
    Sources: plane-parallel atmosphere, Bourgoin 2013, Sec. 3.2 (the atmospheric
    transmittance at zenith angle ``z`` is ``T_zen^sec(z)``); curved Earth, F. Kasten and
    A. T. Young, "Revised optical air mass tables and approximation formula", Appl. Opt. 28,
    4735 (1989), Eq. (3). The two agree to 1 % above 20° elevation.

    Examples
    --------
    >>> round(float(air_mass(np.pi / 6)), 12)
    2.0
    """
    elevation_ = _checks.as_float("elevation", elevation)
    if np.asarray((elevation_ <= 0.0) | (elevation_ > np.pi / 2 + _checks.TOLERANCE)).any():
        raise ValueError("elevation: must be in (0, pi/2] radians (above the horizon)")
    if model == "plane-parallel":
        return _checks.scalar_or_array(1.0 / np.sin(elevation_))
    if model == "kasten-young":
        zenith_deg = 90.0 - np.degrees(elevation_)
        return _checks.scalar_or_array(
            1.0 / (np.cos(np.radians(zenith_deg))
                   + 0.50572 * (96.07995 - zenith_deg) ** -1.6364))
    raise ValueError(f"model: must be 'plane-parallel' or 'kasten-young', got {model!r}")


def atmospheric_transmittance(elevation: ArrayLike, zenith_transmittance: ArrayLike, *,
                              model: AirMassModel = "plane-parallel") -> FloatArray:
    """Transmittance of the atmosphere along a slant path: ``T_z ** air_mass(elevation)``.

    Parameters
    ----------
    elevation : array_like
        Elevation angle in radians; at or below the horizon (``<= 0``) the transmittance is 0.
    zenith_transmittance : array_like
        Transmittance ``T_z`` of the whole atmosphere straight up, in [0, 1] (a clear sky at
        800 nm from a high site is about 0.8-0.9).
    model : {"plane-parallel", "kasten-young"}, optional
        The air-mass model (:func:`air_mass`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Transmittance in [0, 1].

    Notes
    -----
    Source: Beer-Lambert extinction along a path whose column is ``air_mass`` times the
    vertical one: ``T = T_z^m`` with ``m = 1 / sin(elevation)`` in a plane-parallel
    atmosphere (Bourgoin 2013, Sec. 3.2); Kasten and Young, Appl. Opt. 28, 4735 (1989), for
    the curved-Earth air mass.

    Examples
    --------
    >>> round(float(atmospheric_transmittance(np.pi / 6, 0.8)), 4)  # 30° elevation
    0.64
    """
    elevation_ = _checks.as_float("elevation", elevation)
    t_z = _checks.probability("zenith_transmittance", zenith_transmittance)
    up = elevation_ > 0.0
    clipped = np.minimum(np.where(up, elevation_, np.pi / 2), np.pi / 2)
    mass = np.asarray(air_mass(clipped, model=model))
    with np.errstate(divide="ignore"):
        through = np.power(t_z, mass)
    return _checks.scalar_or_array(np.asarray(np.where(up, through, 0.0), dtype=np.float64))


def downlink_transmittance(distance: ArrayLike, elevation: ArrayLike, *,
                           divergence: ArrayLike, receiver_diameter: ArrayLike,
                           pointing_jitter: ArrayLike = 0.0,
                           zenith_transmittance: ArrayLike = 1.0,
                           transmitter_efficiency: ArrayLike = 1.0,
                           receiver_efficiency: ArrayLike = 1.0,
                           waist: ArrayLike = 0.0,
                           air_mass_model: AirMassModel = "plane-parallel") -> FloatArray:
    """End-to-end transmittance of a satellite-to-ground (or ground-to-satellite) link.

    ``eta = eta_tx * T_geo(L) * T_atm(elevation) * eta_rx``: transmitter optics, the
    geometric collection of :func:`geometric_transmittance`, the atmosphere of
    :func:`atmospheric_transmittance` and the receiver optics and detector.

    Parameters
    ----------
    distance : array_like
        Slant range in metres.
    elevation : array_like
        Elevation of the satellite seen from the ground station, radians (``<= 0``: 0).
    divergence, receiver_diameter, pointing_jitter, waist : array_like
        As in :func:`geometric_transmittance`.
    zenith_transmittance : array_like, optional
        As in :func:`atmospheric_transmittance` (1: no atmosphere).
    transmitter_efficiency, receiver_efficiency : array_like, optional
        Fractions in [0, 1] passed by the transmitting optics and by the receiving telescope,
        its follow-up optics and the detector.
    air_mass_model : {"plane-parallel", "kasten-young"}, optional
        The air-mass model (:func:`air_mass`).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The link's transmittance in [0, 1]; its loss in dB is
        :func:`qfab.physics.decibel.loss_db` of it.

    Notes
    -----
    Source: the link budget of Bourgoin 2013, Sec. 3 (a product of independent stages,
    losses adding in dB). Turbulent beam broadening beyond the given divergence and
    scintillation are not modelled; a downlink's turbulence sits in the last few km near the
    receiver, where it mostly reduces the coupling, which ``receiver_efficiency`` holds
    (Bourgoin 2013, Sec. 3.3). For an uplink, turbulence near the transmitter widens the
    beam: give the effective (widened) divergence.
    """
    eta_tx = _checks.probability("transmitter_efficiency", transmitter_efficiency)
    eta_rx = _checks.probability("receiver_efficiency", receiver_efficiency)
    geometric = np.asarray(geometric_transmittance(distance, divergence, receiver_diameter,
                                                   pointing_jitter=pointing_jitter,
                                                   waist=waist))
    atmosphere = np.asarray(atmospheric_transmittance(elevation, zenith_transmittance,
                                                      model=air_mass_model))
    return _checks.scalar_or_array(eta_tx * geometric * atmosphere * eta_rx)


def field_of_view_solid_angle(field_of_view: ArrayLike) -> FloatArray:
    """Solid angle of a circular field of view of full apex angle ``fov``.

    ``Omega = 2 pi (1 - cos(fov / 2))`` (``~ pi fov^2 / 4`` for a small field).

    Parameters
    ----------
    field_of_view : array_like
        Full angle of the receiver's field of view, radians, in ``[0, 2 pi]``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Solid angle in steradians.

    Notes
    -----
    Source: the solid angle of a cone of half-angle ``alpha``, ``2 pi (1 - cos alpha)``
    (geometry; Miao et al., New J. Phys. 7, 215 (2005), use the receiver's field of view as
    this solid angle).
    """
    fov = _checks.nonnegative("field_of_view", field_of_view)
    if np.asarray(fov > 2.0 * np.pi).any():
        raise ValueError("field_of_view: must be at most 2 pi radians")
    # 2 pi (1 - cos x) = 4 pi sin^2(x / 2), accurate for small angles
    return _checks.scalar_or_array(4.0 * np.pi * np.sin(fov / 4.0) ** 2)


def background_photons_per_window(sky_radiance: ArrayLike, field_of_view: ArrayLike,
                                  receiver_diameter: ArrayLike, filter_bandwidth: ArrayLike,
                                  window: ArrayLike, wavelength: ArrayLike) -> FloatArray:
    """Mean number of sky-background photons that enter a receiver in one detection window.

    ``N_b = H_b Omega A dlambda dt / (h c / lambda)`` with ``A = pi D^2 / 4`` the aperture
    area and ``Omega`` the solid angle of the field of view
    (:func:`field_of_view_solid_angle`).

    Parameters
    ----------
    sky_radiance : array_like
        Spectral radiance ``H_b`` of the sky in the line of sight, W m^-2 sr^-1 per metre of
        bandwidth (:data:`NIGHT_SKY_RADIANCE`, :data:`FULL_MOON_SKY_RADIANCE`,
        :data:`CLEAR_DAY_SKY_RADIANCE`), ``>= 0``.
    field_of_view : array_like
        Full angle of the receiver's field of view, radians.
    receiver_diameter : array_like
        Aperture diameter in metres.
    filter_bandwidth : array_like
        Width ``dlambda`` of the spectral filter in metres (1 nm is ``1e-9``).
    window : array_like
        Detection (coincidence or gate) window ``dt`` in seconds.
    wavelength : array_like
        Centre wavelength in metres, ``> 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Mean background photons per window at the telescope's entrance; multiply by the
        receiver's optical and detection efficiency for the counts at the detector.

    Notes
    -----
    Source: the background power ``P_b = H_b Omega_fov pi r^2 dlambda`` of Er-long Miao et
    al., "Background noise of satellite-to-ground quantum key distribution", New J. Phys. 7,
    215 (2005), Eq. (1), divided by the photon energy ``h c / lambda``; Bourgoin 2013, Sec. 4,
    uses the same expression for the dark-and-background counts of a downlink receiver.

    Examples
    --------
    A 1.2 m telescope, 100 µrad field, 10 nm filter, 1 ns window at 810 nm, moonless night:

    >>> n = background_photons_per_window(NIGHT_SKY_RADIANCE, 100e-6, 1.2, 10e-9, 1e-9, 810e-9)
    >>> f"{float(n):.2e}"
    '1.74e-06'
    """
    radiance = _checks.nonnegative("sky_radiance", sky_radiance)
    omega = np.asarray(field_of_view_solid_angle(field_of_view))
    diameter = _checks.nonnegative("receiver_diameter", receiver_diameter)
    bandwidth = _checks.nonnegative("filter_bandwidth", filter_bandwidth)
    window_ = _checks.nonnegative("window", window)
    wavelength_ = _checks.positive("wavelength", wavelength)
    area = np.pi * diameter * diameter / 4.0
    photon_energy = PLANCK * SPEED_OF_LIGHT / wavelength_
    return _checks.scalar_or_array(radiance * omega * area * bandwidth * window_
                                   / photon_energy)
