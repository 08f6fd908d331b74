"""Unit tests of qfab.physics.free_space (Gaussian beams, atmosphere, sky background)."""

import numpy as np
import pytest
from scipy import integrate, special

from qfab.physics.decibel import loss_db
from qfab.physics.free_space import (
    CLEAR_DAY_SKY_RADIANCE,
    FULL_MOON_SKY_RADIANCE,
    NIGHT_SKY_RADIANCE,
    PLANCK,
    SPEED_OF_LIGHT,
    air_mass,
    atmospheric_transmittance,
    background_photons_per_window,
    beam_radius,
    diffraction_divergence,
    downlink_transmittance,
    field_of_view_solid_angle,
    geometric_transmittance,
    long_term_beam_radius,
)


def test_beam_radius_adds_waist_and_spread_in_quadrature() -> None:
    assert beam_radius(1000.0, 3e-3, waist=4.0) == pytest.approx(5.0, rel=1e-12)
    assert beam_radius(0.0, 5e-6, waist=0.1) == pytest.approx(0.1, rel=1e-12)
    assert beam_radius(2e5, 5e-6) == pytest.approx(1.0, rel=1e-12)


def test_a_diffraction_limited_beam_follows_the_rayleigh_range() -> None:
    # w(z_R) = sqrt(2) w0 with z_R = pi w0^2 / lambda (Siegman, Lasers, Sec. 17.1)
    wavelength, w0 = 810e-9, 0.05
    z_rayleigh = np.pi * w0**2 / wavelength
    theta = diffraction_divergence(wavelength, w0)
    assert beam_radius(z_rayleigh, theta, waist=w0) == pytest.approx(np.sqrt(2) * w0, rel=1e-12)


def test_geometric_transmittance_is_the_gaussian_power_inside_the_aperture() -> None:
    # w = 2 m, a = 1 m: 1 - exp(-2 * 1 / 4)
    assert geometric_transmittance(4e5, 5e-6, 2.0) == pytest.approx(1 - np.exp(-0.5), rel=1e-12)


def test_geometric_transmittance_limits() -> None:
    assert geometric_transmittance(1e6, 5e-6, 0.0) == 0.0
    assert geometric_transmittance(0.0, 5e-6, 1.0) == 1.0
    assert geometric_transmittance(1e3, 5e-6, 100.0) == pytest.approx(1.0, abs=1e-12)
    # far field: 2 a^2 / (theta L)^2 to first order, to 12 digits at 1e-8 of the beam
    far = geometric_transmittance(1e9, 5e-6, 1.0)
    x = 2 * 0.5**2 / (5e-6 * 1e9) ** 2
    assert far == pytest.approx(x * (1 - x / 2), rel=1e-12)


def test_geometric_transmittance_broadcasts() -> None:
    out = geometric_transmittance(np.array([530e3, 1000e3]), 5e-6, np.array([[1.2], [1.8]]))
    assert out.shape == (2, 2)
    assert np.all(np.diff(out, axis=0) > 0) and np.all(np.diff(out, axis=1) < 0)


def test_pointing_jitter_widens_the_long_term_spot() -> None:
    assert long_term_beam_radius(1e6, 0.0, pointing_jitter=1e-6) == pytest.approx(2.0)
    assert long_term_beam_radius(1e6, 3e-6, pointing_jitter=2e-6) == pytest.approx(5.0)
    assert geometric_transmittance(1e6, 5e-6, 1.2, pointing_jitter=1e-6) < \
        geometric_transmittance(1e6, 5e-6, 1.2)


def _off_axis_transmittance(offset: float, w: float, a: float) -> float:
    """Collected fraction of a Gaussian beam whose centre is ``offset`` from the aperture's
    (Vasylyev, Semenov and Vogel, PRL 108, 220501 (2012), Eq. (3), with the Bessel I0)."""
    def integrand(r: float) -> float:
        x = 4 * r * offset / w**2
        return 4 * r / w**2 * np.exp(-2 * (r - offset) ** 2 / w**2) * special.i0e(x)
    return float(integrate.quad(integrand, 0.0, a, epsabs=1e-13)[0])


def test_the_jitter_formula_is_the_mean_over_gaussian_beam_wandering() -> None:
    # Average the off-axis transmittance over a Rayleigh-distributed centre offset (Gaussian
    # jitter per axis of sigma L) and compare with the closed form of the long-term radius.
    distance, theta, sigma, diameter = 800e3, 5e-6, 2e-6, 1.2
    w, s, a = theta * distance, sigma * distance, diameter / 2

    def weighted(d: float) -> float:
        return _off_axis_transmittance(d, w, a) * d / s**2 * np.exp(-d**2 / (2 * s**2))
    mean = integrate.quad(weighted, 0.0, 12 * s, epsabs=1e-12)[0]
    closed = geometric_transmittance(distance, theta, diameter, pointing_jitter=sigma)
    assert closed == pytest.approx(mean, rel=1e-7)


def test_air_mass_models() -> None:
    assert air_mass(np.pi / 2) == pytest.approx(1.0)
    assert air_mass(np.radians(30)) == pytest.approx(2.0)
    high = np.radians([90.0, 60.0, 40.0, 20.0])
    np.testing.assert_allclose(air_mass(high, model="kasten-young"), air_mass(high), rtol=0.01)
    # Kasten and Young (1989): about 38 at the horizon, where the flat model diverges
    assert air_mass(1e-9, model="kasten-young") == pytest.approx(37.9, abs=0.1)
    with pytest.raises(ValueError, match="elevation"):
        air_mass(0.0)
    with pytest.raises(ValueError, match="model"):
        air_mass(1.0, model="spherical")  # type: ignore[arg-type]


def test_atmospheric_transmittance_follows_the_air_mass() -> None:
    assert atmospheric_transmittance(np.pi / 2, 0.8) == pytest.approx(0.8)
    assert atmospheric_transmittance(np.radians(30), 0.8) == pytest.approx(0.64)
    below = atmospheric_transmittance(np.array([-0.1, 0.0]), 0.8)
    np.testing.assert_array_equal(below, [0.0, 0.0])
    assert atmospheric_transmittance(np.radians(10), 1.0) == 1.0


def test_downlink_losses_add_in_decibels() -> None:
    distance, elevation = 1.0e6, np.radians(35.0)
    total = downlink_transmittance(distance, elevation, divergence=10e-6, receiver_diameter=1.2,
                                   pointing_jitter=1e-6, zenith_transmittance=0.8,
                                   transmitter_efficiency=0.5, receiver_efficiency=0.2)
    parts = (loss_db(geometric_transmittance(distance, 10e-6, 1.2, pointing_jitter=1e-6))
             + loss_db(atmospheric_transmittance(elevation, 0.8)) + loss_db(0.5) + loss_db(0.2))
    assert loss_db(total) == pytest.approx(parts, rel=1e-12)
    assert downlink_transmittance(distance, -0.01, divergence=10e-6, receiver_diameter=1.2) == 0


def test_solid_angle_of_a_small_field() -> None:
    assert field_of_view_solid_angle(100e-6) == pytest.approx(np.pi * 50e-6**2, rel=1e-9)
    assert field_of_view_solid_angle(np.pi) == pytest.approx(2 * np.pi)  # a hemisphere
    assert field_of_view_solid_angle(2 * np.pi) == pytest.approx(4 * np.pi)


def test_background_photons_are_radiance_etendue_bandwidth_time_over_photon_energy() -> None:
    n = background_photons_per_window(1e-3 * 1e9, 2e-4, 1.0, 1e-9, 1e-6, 800e-9)
    expected = 1e6 * (np.pi * 1e-4**2) * (np.pi / 4) * 1e-9 * 1e-6 / (
        PLANCK * SPEED_OF_LIGHT / 800e-9)
    assert n == pytest.approx(expected, rel=1e-8)
    # linear in the window and in the filter width
    assert background_photons_per_window(1e6, 2e-4, 1.0, 2e-9, 3e-6, 800e-9) == \
        pytest.approx(6 * n, rel=1e-12)


def test_sky_radiances_are_ordered() -> None:
    assert NIGHT_SKY_RADIANCE < FULL_MOON_SKY_RADIANCE < CLEAR_DAY_SKY_RADIANCE
    # daylight is more than five orders of magnitude above the dark night
    assert CLEAR_DAY_SKY_RADIANCE / NIGHT_SKY_RADIANCE > 1e5


def test_bad_inputs_name_the_argument() -> None:
    with pytest.raises(ValueError, match="receiver_diameter"):
        geometric_transmittance(1e6, 5e-6, -1.0)
    with pytest.raises(ValueError, match="zenith_transmittance"):
        atmospheric_transmittance(1.0, 1.5)
    with pytest.raises(ValueError, match="pointing_jitter"):
        long_term_beam_radius(1e6, 5e-6, pointing_jitter=-1.0)


def test_elevation_from_range_inverts_the_spherical_geometry() -> None:
    from qfab.physics.free_space import EARTH_RADIUS, elevation_from_range

    h = 500e3
    assert elevation_from_range(h, h) == pytest.approx(np.pi / 2)
    horizon = np.sqrt((EARTH_RADIUS + h) ** 2 - EARTH_RADIUS**2)
    assert elevation_from_range(horizon, h) == pytest.approx(0.0, abs=1e-9)
    # forward: the range at elevation e is sqrt((R+h)^2 - R^2 cos^2 e) - R sin e
    e = np.radians([10.0, 30.0, 60.0])
    r = EARTH_RADIUS
    forward = np.sqrt((r + h) ** 2 - (r * np.cos(e)) ** 2) - r * np.sin(e)
    np.testing.assert_allclose(elevation_from_range(forward, h), e, rtol=1e-12)
    with pytest.raises(ValueError, match="slant_range"):
        elevation_from_range(100e3, h)
