"""The satellite catalog: entries, sources, units, and the published station separations."""

import numpy as np
import pytest

from qfab.catalog import presets
from qfab.catalog.satellites import (
    SI_FACTORS,
    UnknownSatelliteEntryError,
    experiment,
    ground_station,
    satellite,
    satellite_catalog,
)
from qfab.tiers.orbits import shipped_tles


def _entries() -> list:
    catalog = satellite_catalog()
    return [*catalog.satellites, *catalog.ground_stations, *catalog.experiments]


def test_every_value_has_a_unit_and_a_source() -> None:
    for entry in _entries():
        for key, quantity in entry.parameters.items():
            assert quantity.unit in SI_FACTORS, (entry.name, key)
            assert len(quantity.source) > 20, (entry.name, key)
            if quantity.provenance == "paper":
                assert "(20" in quantity.source or "(19" in quantity.source, (entry.name, key)


def test_each_satellite_has_its_tle_shipped() -> None:
    for entry in satellite_catalog().satellites:
        assert entry.tle in shipped_tles()
    assert satellite("micius").norad_id == 41731


def test_values_in_si_units() -> None:
    micius = satellite("micius")
    assert micius.si("pair_rate") == 5.9e6
    assert micius.si("divergence") == pytest.approx(5e-6)
    assert micius.si("wavelength") == pytest.approx(810e-9)
    assert ground_station("lijiang").si("telescope_diameter") == 1.8
    assert ground_station("delingha").si("latitude") == pytest.approx(np.radians(37.379008))
    assert experiment("micius_entanglement_2017").si("two_downlink_loss_max") == 82.0
    with pytest.raises(KeyError, match="no parameter 'colour'"):
        micius.si("colour")


def _ecef(latitude_deg: float, longitude_deg: float, height_m: float) -> np.ndarray:
    """WGS84 geodetic to Earth-centred coordinates (the standard closed form)."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi, lam = np.radians(latitude_deg), np.radians(longitude_deg)
    n = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    return np.array([(n + height_m) * np.cos(phi) * np.cos(lam),
                     (n + height_m) * np.cos(phi) * np.sin(lam),
                     (n * (1 - e2) + height_m) * np.sin(phi)])


def _separation_km(first: str, second: str) -> float:
    points = [_ecef(ground_station(name).value("latitude"), ground_station(name).value("longitude"),
                    ground_station(name).si("altitude")) for name in (first, second)]
    return float(np.linalg.norm(points[0] - points[1]) / 1e3)


def test_the_station_coordinates_give_the_published_separations() -> None:
    # Yin et al., Science 356, 1140 (2017): Delingha-Lijiang 1203 km; Yin et al., Nature 582,
    # 501 (2020): Delingha-Nanshan 1120 km (both printed to the kilometre)
    published = experiment("micius_entanglement_2017").si("station_separation") / 1e3
    assert _separation_km("delingha", "lijiang") == pytest.approx(published, abs=1.0)
    assert _separation_km("delingha", "nanshan") == pytest.approx(1120.0, abs=1.0)


def test_an_experiment_names_catalogued_entries() -> None:
    entry = experiment("micius_entanglement_2017")
    assert satellite(entry.satellite).name == "micius"
    assert [ground_station(name).name for name in entry.stations] == ["delingha", "lijiang"]


def test_unknown_names_suggest_close_ones() -> None:
    with pytest.raises(UnknownSatelliteEntryError, match="did you mean 'micius'"):
        satellite("micus")
    with pytest.raises(UnknownSatelliteEntryError, match="ground station"):
        ground_station("graz")


def test_the_preset_catalog_does_not_read_the_satellite_file() -> None:
    assert "micius" not in {entry.name for entry in presets()}
