"""The four-tier flagship (examples/four-tiers.yaml): built with the tier builders, every tier
present with its components, every request served by the event simulation inside and across
tiers, the satellite pass waited for, and its report page complete."""

from __future__ import annotations

from collections import Counter

import pytest

from qfab.engines import run, supports
from qfab.engines.result import RunResult
from qfab.loading import load_scenario
from qfab.spec.models import ScenarioSpec
from tests.conftest import EXAMPLES

FLAGSHIP = EXAMPLES / "four-tiers.yaml"
Run = tuple[ScenarioSpec, RunResult]


@pytest.fixture(scope="module")
def flagship() -> Run:
    spec = load_scenario(FLAGSHIP)
    return spec, run(spec, engine="des")


def test_every_tier_is_built_from_its_components(flagship: Run) -> None:
    spec, _ = flagship
    tiers = Counter(node.tier for node in spec.nodes.values())
    assert tiers["nodal"] == 6 and tiers["cluster"] == 4  # two cryostats of three, 2 x 2 racks
    assert tiers["campus"] >= 6 and tiers["wan"] >= 7  # six metro sites; backbone, stations
    kinds = Counter(link.kind for link in spec.links)
    assert kinds["chip_to_chip"] == 4 and kinds["satellite"] == 1
    assert kinds["double_click"] == 6 + 1  # the switch's full mesh of 4 modules, the gateway
    # metro spans, WAN spans, the gateways' spans (dc-chi: one; chi-wan: one to each side)
    assert kinds["midpoint_source"] == 6 + 4 + 3
    assert all(link.switch is not None for link in spec.links if link.kind == "double_click")


def test_every_request_is_served_inside_and_across_tiers(flagship: Run) -> None:
    _, result = flagship
    for request in result.requests:
        assert request.delivered == request.requested
        assert request.target_met
    crossing = {tuple(r.between): r.domains for r in result.requests if r.domains}
    assert [d.split("-")[0] for d in crossing[("dc_r1m1", "chi_cqe")]] == ["cluster", "campus"]
    assert [d.split("-")[0] for d in crossing[("chi_cqe", "wan_b")]] == ["campus", "wan"]
    satellite = next(r for r in result.requests if tuple(r.between) == ("wan_gs0", "wan_gs1"))
    assert satellite.waited_s is not None and satellite.waited_s > 200.0  # the pass opens later


@pytest.mark.parametrize("engine", ["analytic", "fast"])
def test_other_engines_say_why_they_do_not_run_it(engine: str) -> None:
    support = supports(load_scenario(FLAGSHIP), engine=engine)
    assert not support and support.reason
