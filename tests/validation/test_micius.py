"""The Micius reproduction (examples/micius.yaml) against the published figures of Yin et al.,
Science 356, 1140 (2017), as the satellite catalog holds them
(``src/qfab/catalog/data/satellites.yaml``, experiment ``micius_entanglement_2017``).

What is held, and how:

* the example's inputs are the catalog's (so no number in it is tuned on its own);
* the two-downlink loss over the simulated pass lies in the published 64-82 dB, at summed
  downlink lengths in the published 1600-2400 km. The catalog fits Lijiang's receiver
  efficiency so that the smallest loss over the December 2016 passes is 64 dB, at a point of
  this very pass: the lower end is the fit (held to 0.01 dB), the rest of the pass is a check;
* the coincidences the event simulation counts over the pass agree with the schedule's
  closed form ``sum_i n_i p_i`` (5 standard deviations of a sum of binomials), and so do the
  analytic engine's expectation and the mean over the fast engine's runs;
* the published average coincidence rate lies within the spread of the model's rates along
  the pass. The catalog marks that published value as not verified against the paper's text,
  and the model's mean over this pass is higher (about 1.6 Hz against 1.1 Hz): see
  docs/satellites.md;
* the CHSH value of the delivered pairs lies within the published S = 2.37 +- 0.09, and the
  analytic engine's expected value agrees with it;
* the example runs in well under a minute.
"""

from __future__ import annotations

import copy
import math
import time
from typing import Any

import numpy as np
import pytest
import yaml

from qfab.catalog.satellites import experiment, ground_station, satellite
from qfab.engines import run
from qfab.links.satellite import satellite_pass
from qfab.loading import load_scenario, parse_scenario
from qfab.orchestrator.network import NetworkGraph
from qfab.spec.models import ScenarioSpec
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "micius.yaml"
PUBLISHED = experiment("micius_entanglement_2017")


def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return document


def _whole_pass() -> ScenarioSpec:
    """The example with an entanglement request larger than the pass: it counts every
    coincidence of the pass."""
    document = copy.deepcopy(_document())
    document["requests"] = [{"kind": "entanglement", "between": ["delingha", "lijiang"],
                             "pairs": 10**6}]
    return parse_scenario(document, base_dir=EXAMPLES)


def test_the_example_takes_its_numbers_from_the_catalog() -> None:
    spec = load_scenario(EXAMPLE)
    link = spec.links[0]
    micius = satellite("micius")
    assert link.satellite.catalog == "micius"
    assert link.source.pair_rate == pytest.approx(micius.si("pair_rate"))
    assert link.source.fidelity == pytest.approx(micius.si("source_fidelity"))
    assert link.source.wavelength == pytest.approx(micius.si("wavelength"))
    assert link.transmitter.divergence == pytest.approx(micius.si("divergence"))
    assert link.transmitter.efficiency == pytest.approx(micius.si("transmitter_efficiency"))
    assert link.transmitter.pointing_jitter == pytest.approx(micius.si("pointing_jitter"))
    for name, receiver in zip(link.between, link.station_receivers):
        station = ground_station(name)
        location = spec.nodes[name].location
        assert location is not None
        assert location.latitude == pytest.approx(station.value("latitude"))
        assert location.longitude == pytest.approx(station.value("longitude"))
        assert location.altitude == pytest.approx(station.si("altitude"))
        assert receiver.aperture == pytest.approx(station.si("telescope_diameter"))
        # the fitted efficiency holds the detector's: the detector's own is 1
        assert receiver.efficiency * receiver.detector.efficiency == pytest.approx(
            station.si("receiver_efficiency"))
        assert link.atmosphere.zenith_transmittance == pytest.approx(
            station.si("zenith_transmittance"))


def test_two_downlink_loss_over_the_pass_is_in_the_published_range() -> None:
    spec = load_scenario(EXAMPLE)
    found = satellite_pass(spec.links[0], spec, 0)
    summed = found.range_m.sum(axis=0)
    assert summed.min() == pytest.approx(PUBLISHED.si("summed_distance_min"), rel=0.01)
    assert summed.max() == pytest.approx(PUBLISHED.si("summed_distance_max"), rel=0.01)
    loss = found.link_loss_db
    assert loss.min() >= PUBLISHED.value("two_downlink_loss_min") - 0.01  # the fit point
    assert loss.max() <= PUBLISHED.value("two_downlink_loss_max")
    # the loss grows with the summed distance along the pass (closest: lowest loss)
    assert np.corrcoef(summed, loss)[0, 1] > 0.9


def test_simulated_coincidences_follow_the_pass_closed_form() -> None:
    spec = _whole_pass()
    model = NetworkGraph(spec).models[0]
    schedule = model.schedule
    assert schedule is not None
    attempts = schedule.attempts_per_slice(0.0, spec.duration)
    p = np.asarray(schedule.p_success)
    mean = float(attempts @ p)
    sigma = math.sqrt(float(attempts @ (p * (1 - p))))
    result = run(spec, engine="des", seed=11)
    request = result.requests[0]
    assert request.delivered == pytest.approx(mean, abs=5 * sigma)
    assert result.links[0].attempts == int(attempts.sum())
    analytic = run(spec, engine="analytic").requests[0]
    assert analytic.delivered == math.floor(mean)
    # the fidelity of the delivered pairs: the success-weighted mean of the slices' states
    assert request.fidelity == pytest.approx(analytic.fidelity, abs=1e-3)
    sampled = run(spec, engine="fast", seed=12).requests[0]
    assert sampled.rate_hz is not None
    assert sampled.rate_hz * spec.duration == pytest.approx(
        mean, abs=5 * sigma / math.sqrt(spec.fast.shots))


def test_the_published_coincidence_rate_lies_within_the_pass() -> None:
    spec = load_scenario(EXAMPLE)
    found = satellite_pass(spec.links[0], spec, 0)
    rates = found.p_success / spec.links[0].attempt_period()
    published = PUBLISHED.si("coincidence_rate")
    assert rates.min() < published < rates.max()
    # the pass mean, for the record (docs/satellites.md): between the published value and
    # twice it
    duration = found.ends - found.starts
    mean = float((rates * duration).sum() / duration.sum())
    assert published < mean < 2 * published


def test_chsh_of_the_delivered_pairs_is_within_the_published_uncertainty() -> None:
    started = time.perf_counter()
    result = run(load_scenario(EXAMPLE), engine="des")
    wall = time.perf_counter() - started
    request = result.requests[0]
    assert request.delivered == request.requested
    assert request.waited_s is not None and request.waited_s > 0  # the pass comes later
    assert request.chsh == pytest.approx(PUBLISHED.value("chsh_s"),
                                         abs=PUBLISHED.value("chsh_s_uncertainty"))
    assert wall < 60.0
    # the analytic engine's expectation: the success-weighted mean pair of the pass
    expected = run(load_scenario(EXAMPLE), engine="analytic").requests[0]
    assert expected.chsh == pytest.approx(request.chsh, abs=2e-3)


def test_qber_of_the_pass_is_the_published_one_within_the_chsh_uncertainty() -> None:
    """Yin et al. 2020 (p. 503) put the QBER of the 2017 passes at about 8.1 %. For pairs
    whose errors are depolarizing, S = 2 sqrt(2) (1 - 2 Q), so the published S = 2.37 +- 0.09
    fixes Q to +- 0.09 / (4 sqrt(2)) = 0.016: the expected QBER of the pass (the analytic
    engine's, from the mean pair of the slices: 7.5 %) must fall within that of 8.1 %. A
    source of fidelity 0.8 instead of 0.907 gives 14 %, outside."""
    expected = run(load_scenario(EXAMPLE), engine="analytic").requests[0]
    tolerance = PUBLISHED.value("chsh_s_uncertainty") / (4.0 * math.sqrt(2.0))
    assert expected.qber == pytest.approx(PUBLISHED.value("qber"), abs=tolerance)
