"""Orbits from the shipped Micius TLE: altitude, passes, common passes, the Sun."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from qfab.tiers.orbits import (
    GroundStation,
    TimeWindow,
    _intersections,
    common_passes,
    find_passes,
    load_tle,
    pass_track,
    satellite_altitude,
    shipped_tles,
    tle_checksum,
)
from qfab.tiers.sun import solar_elevation

pytest.importorskip("skyfield")

# Yin et al., Science 356, 1140 (2017), supplementary Table S1 (see satellites.yaml)
DELINGHA = GroundStation("delingha", 37.37899, 97.72695, 3153.0)
LIJIANG = GroundStation("lijiang", 26.69393, 100.02932, 3233.0)
EPOCH = datetime(2016, 12, 18, 21, 38, 11, tzinfo=UTC)


def test_the_micius_snapshot_is_shipped_with_valid_checksums() -> None:
    assert "micius" in shipped_tles()
    line1, line2 = load_tle("micius")
    assert line1.startswith("1 41731U") and line2.startswith("2 41731")
    assert tle_checksum(line1) == int(line1[68]) and tle_checksum(line2) == int(line2[68])
    assert float(line2[8:16]) == pytest.approx(97.4, abs=0.1)  # sun-synchronous inclination


def test_a_wrong_checksum_is_refused(tmp_path: Path) -> None:
    line1, line2 = load_tle("micius")
    bad = line2[:68] + str((int(line2[68]) + 1) % 10)
    path = tmp_path / "bad.tle"
    path.write_text(f"X\n{line1}\n{bad}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="checksum"):
        load_tle(path)
    with pytest.raises(FileNotFoundError, match="shipped"):
        load_tle("no_such_satellite")


def test_micius_flies_at_about_500_km() -> None:
    # one orbit (94.5 min): Yin et al. 2017 give ~500 km; perigee/apogee ~490/510 km then
    heights = satellite_altitude(load_tle("micius"), EPOCH, 5700.0, 30.0)
    assert 470e3 < heights.min() < heights.max() < 530e3


def test_passes_over_delingha_rise_culminate_and_set() -> None:
    passes = find_passes(load_tle("micius"), DELINGHA, EPOCH, 2 * 86400.0, 10.0)
    assert len(passes) >= 4  # a sun-synchronous LEO passes a mid-latitude site 4-6 times/day
    for one in passes:
        assert one.rise_s < one.culmination_s < one.set_s
        assert np.degrees(one.max_elevation_rad) > 10.0
        assert 60.0 < one.duration_s < 600.0


def test_a_track_sees_the_satellite_low_at_rise_and_highest_at_culmination() -> None:
    tle = load_tle("micius")
    best = max(find_passes(tle, DELINGHA, EPOCH, 86400.0, 10.0),
               key=lambda one: one.max_elevation_rad)
    start = EPOCH + timedelta(seconds=best.rise_s)
    track = pass_track(tle, DELINGHA, start, best.duration_s, 1.0)
    assert np.degrees(track.elevation_rad[0]) == pytest.approx(10.0, abs=0.1)
    assert track.elevation_rad.max() == pytest.approx(best.max_elevation_rad, abs=1e-3)
    # range is shortest near culmination; at 500 km altitude it is at least the altitude
    peak = int(np.argmax(track.elevation_rad))
    assert int(np.argmin(track.range_m)) == pytest.approx(peak, abs=2)
    assert 480e3 < track.range_m.min() < 1500e3
    assert track.sun_elevation_rad.shape == track.t.shape


def test_delingha_and_lijiang_share_passes_within_a_few_days() -> None:
    tle = load_tle("micius")
    windows = common_passes(tle, (DELINGHA, LIJIANG), EPOCH, 3 * 86400.0, 10.0)
    assert windows
    for window in windows:
        assert window.duration_s > 0
        middle = EPOCH + timedelta(seconds=(window.start_s + window.end_s) / 2)
        for station in (DELINGHA, LIJIANG):
            elevation = pass_track(tle, station, middle, 1.0, 1.0).elevation_rad[0]
            assert np.degrees(elevation) > 10.0


def test_intervals_intersect_pairwise() -> None:
    a = [(0.0, 10.0), (20.0, 30.0), (40.0, 50.0)]
    b = [(5.0, 25.0), (45.0, 60.0)]
    assert _intersections(a, b) == [TimeWindow(5.0, 10.0), TimeWindow(20.0, 25.0),
                                    TimeWindow(45.0, 50.0)]
    assert _intersections(a, [(10.0, 20.0)]) == []


def test_naive_start_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        find_passes(load_tle("micius"), DELINGHA, datetime(2016, 12, 19), 3600.0)


def test_the_noon_sun_at_the_solstices_and_equinox() -> None:
    # 90° - |latitude - declination| at local noon; declination -23.44° (Dec 21 2016),
    # +23.43° (Jun 21 2016), +0.12° (Mar 20 2016 near 12h UT, 7.5 h after the equinox)
    minutes = np.arange(0, 1, 1 / 2880)
    for jd0, declination in ((2457743.5, -23.44), (2457560.5, 23.43), (2457467.5, 0.12)):
        for latitude in (40.0, -30.0, 0.0):
            noon = np.degrees(solar_elevation(jd0 + minutes, latitude, 0.0).max())
            assert noon == pytest.approx(90.0 - abs(latitude - declination), abs=0.15)


def test_the_sun_is_down_at_local_midnight() -> None:
    # 2016-12-19 17:00 UT is about 01:30 local solar time at Delingha (97.7° E)
    jd = 2457742.5 + 17 / 24
    assert np.degrees(solar_elevation(jd, DELINGHA.latitude_deg,
                                      DELINGHA.longitude_deg)) < -18.0


def test_a_pass_under_way_at_the_start_or_the_end_is_clipped() -> None:
    tle = load_tle("micius")
    first = find_passes(tle, DELINGHA, EPOCH, 86400.0, 10.0)[0]
    middle = EPOCH + timedelta(seconds=first.culmination_s)
    started = find_passes(tle, DELINGHA, middle, 3600.0, 10.0)[0]
    assert started.rise_s == 0.0 and started.clipped
    assert started.set_s == pytest.approx(first.set_s - first.culmination_s, abs=1.0)
    ending = find_passes(tle, DELINGHA, EPOCH, first.culmination_s, 10.0)[-1]
    assert ending.clipped and ending.set_s == pytest.approx(first.culmination_s)
    assert ending.rise_s == pytest.approx(first.rise_s, abs=1.0)
