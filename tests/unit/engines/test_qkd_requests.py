"""The fiber link and the qkd request: validation, engine support, result fields, budget."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from qfab.engines import run, supports
from qfab.errors import EngineError, ScenarioError
from qfab.loading import parse_scenario
from qfab.physics.qkd_channel import (
    bell_diagonal_chsh,
    bell_diagonal_qber,
    detector_dark_probability,
    receiver_background,
)
from qfab.qkd.pulses import sample_bb84
from qfab.report.budget import budget_document, link_budgets
from qfab.report.table import format_result

FIBER: dict[str, Any] = {"kind": "fiber", "between": ["alice", "bob"], "length": "50 km",
                         "fiber": {"attenuation": "0.21 dB/km"},
                         "detector": {"efficiency": 0.045, "dark_count_probability": 1.7e-6}}
BB84: dict[str, Any] = {"kind": "qkd", "protocol": "bb84-decoy", "between": ["alice", "bob"],
                        "source": {"mu": 0.48, "nu": 0.1, "repetition_rate": "1 GHz"},
                        "decoys": ["nu", "vacuum"], "misalignment": 0.033,
                        "error_correction_efficiency": 1.22, "pulses": "1e7"}
DEPOLARIZING = {"kind": "depolarizing", "fidelity": 0.97, "success_probability": 0.5,
                "cycle_time": "10 us"}


def document(links: list[dict[str, Any]], requests: list[dict[str, Any]],
             nodes: tuple[str, ...] = ("alice", "bob")) -> dict[str, Any]:
    return {"qfab": 1, "seed": 3, "nodes": {name: {} for name in nodes}, "links": links,
            "requests": requests}


def error_of(doc: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc)
    text = str(caught.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_a_fiber_link_and_a_bb84_request_load() -> None:
    spec = parse_scenario(document([FIBER], [BB84]))
    assert spec.links[0].kind == "fiber"
    request = spec.requests[0]
    assert request.kind == "qkd" and request.pulse_count == 10_000_000


def test_dark_count_rate_and_probability_together_are_an_error() -> None:
    fiber = {**FIBER, "detector": {"dark_count_rate": "10 Hz", "dark_count_probability": 1e-6}}
    assert "not both" in error_of(document([fiber], [BB84]))


def test_dark_count_probability_is_a_fiber_link_field() -> None:
    link = {"kind": "double_click", "between": ["alice", "bob"], "cycle_time": "10 us",
            "detector": {"dark_count_probability": 1e-6}}
    text = error_of(document([link], []))
    assert text.startswith("links[0].detector.dark_count_probability:")


@pytest.mark.parametrize(("change", "where"), [
    ({"source": None}, "source"),
    ({"decoys": ["nu"]}, "decoys"),
    ({"pulses": None}, "pulses"),
    ({"duration": "1 ms"}, "pulses"),
    ({"pairs": 10}, "pairs"),
    ({"finite_key": {"epsilon": 1e-10}, "decoys": "infinite",
      "source": {"mu": 0.5, "repetition_rate": "1 GHz"}}, "finite_key"),
    ({"source": {"mu": 0.5, "repetition_rate": "1 GHz"}}, "source.nu"),
    ({"source": {"mu": "1e300", "nu": 0.1, "repetition_rate": "1 GHz"}}, "source.mu"),
])
def test_bb84_fields_are_checked(change: dict[str, Any], where: str) -> None:
    request = {key: value for key, value in {**BB84, **change}.items() if value is not None}
    assert where in error_of(document([FIBER], [request]))


def test_bbm92_refuses_the_fields_of_bb84() -> None:
    request = {"kind": "qkd", "protocol": "bbm92", "between": ["alice", "bob"], "pairs": 10,
               "misalignment": 0.01}
    assert "misalignment" in error_of(document([{**DEPOLARIZING, "between": ["alice", "bob"]}],
                                               [request]))


def test_bb84_over_a_chain_of_fiber_links_needs_relay_trusted() -> None:
    links = [{**FIBER, "between": ["alice", "relay"]}, {**FIBER, "between": ["relay", "bob"]}]
    text = error_of(document(links, [BB84], nodes=("alice", "relay", "bob")))
    assert text.startswith("requests[0].relay: alice and bob are joined by a chain of fiber "
                           "links through relay: set relay: trusted")


def test_bb84_needs_fiber_links_between_its_ends() -> None:
    links = [{**FIBER, "between": ["alice", "relay"]},
             {**DEPOLARIZING, "between": ["relay", "bob"]}]
    text = error_of(document(links, [BB84], nodes=("alice", "relay", "bob")))
    assert text.startswith("requests[0].between: bb84-decoy needs fiber links between")
    assert "relay: trusted" in text


def test_entanglement_is_not_routed_over_fiber_links() -> None:
    links = [{**FIBER, "between": ["alice", "relay"]},
             {**DEPOLARIZING, "between": ["relay", "bob"]}]
    request = {"kind": "entanglement", "between": ["alice", "bob"], "pairs": 1}
    text = error_of(document(links, [request], nodes=("alice", "relay", "bob")))
    assert text.startswith("requests[0].between: alice and bob are not joined by links that "
                           "carry entanglement")


def test_a_fiber_link_needs_no_memory_qubit() -> None:
    """alice has one qubit (the default) for its one entangling link: the fiber link takes
    none."""
    links = [FIBER, {**DEPOLARIZING, "between": ["alice", "carol"]}]
    requests = [BB84, {"kind": "entanglement", "between": ["alice", "carol"], "pairs": 5}]
    spec = parse_scenario(document(links, requests, nodes=("alice", "bob", "carol")))
    result = run(spec, engine="des")
    assert [r.kind for r in result.requests] == ["qkd", "entanglement"]
    assert result.requests[1].delivered == 5
    assert [link.attempts is None for link in result.links] == [True, False]


def test_the_fast_engine_refuses_qkd_and_the_analytic_engine_bbm92_it_cannot_compute() -> None:
    spec = parse_scenario(document([FIBER], [BB84]))
    fast = supports(spec, engine="fast")
    assert not fast and fast.reason is not None
    assert fast.reason.startswith("requests[0].protocol: bb84-decoy: the fast engine")
    with pytest.raises(EngineError):
        run(spec, engine="fast")
    pairs = parse_scenario(document([{**DEPOLARIZING, "between": ["alice", "bob"]}],
                                    [{"kind": "qkd", "protocol": "bbm92",
                                      "between": ["alice", "bob"], "pairs": 10}]))
    assert supports(pairs, engine="analytic")  # one link: the heralded state is known
    purified = parse_scenario({**document([{**DEPOLARIZING, "between": ["alice", "bob"]}],
                                          [{"kind": "qkd", "protocol": "bbm92",
                                            "between": ["alice", "bob"], "pairs": 10}]),
                               "nodes": {"alice": {"memory": {"qubits": 2}},
                                         "bob": {"memory": {"qubits": 2}}},
                               "policy": {"purification": "dejmps", "purification_rounds": 1}})
    analytic = supports(purified, engine="analytic")
    assert not analytic and analytic.reason is not None
    assert analytic.reason == ("requests[0]: the analytic engine does not model purification; "
                               "use engine des")


def test_results_carry_key_lengths_never_keys() -> None:
    spec = parse_scenario(document([FIBER], [{**BB84, "pulses": "1e8"}]))
    result = run(spec, engine="des")
    entry = result.to_dict()["requests"][0]
    for field in ("qber", "key_bits_per_pulse", "key_rate_bps", "secret_fraction", "chsh",
                  "final_key_bits", "keys_match", "abort_reason", "plob_bits_per_pulse"):
        assert field in entry
    assert entry["keys_match"] is True and entry["final_key_bits"] > 0
    assert len(json.dumps(result.to_dict())) < 5_000  # lengths, not bit arrays
    assert "keys match" in format_result(result)


def test_a_fiber_link_budget_has_stages_plob_and_no_pair_figures() -> None:
    spec = parse_scenario(document([FIBER], [BB84]))
    [entry] = budget_document(link_budgets(spec))["links"]
    assert [stage["name"] for stage in entry["stages"]] == ["fiber", "detector"]
    assert entry["efficiency"] == pytest.approx(0.045 * 10 ** (-1.05))
    assert entry["p_success"] is None and entry["rate_hz"] is None and entry["fidelity"] is None
    assert entry["plob_bits_per_use"] == pytest.approx(-np.log2(1 - 10 ** (-1.05)))


def test_background_and_bell_vector_measurements() -> None:
    y0 = float(receiver_background(85.0, 1e-8))
    assert y0 == pytest.approx(1.7e-6, rel=1e-6)
    p = float(detector_dark_probability(y0))
    assert 1 - (1 - p) ** 2 == pytest.approx(y0)
    q_z, q_x = bell_diagonal_qber([0.7, 0.1, 0.15, 0.05])
    assert (float(q_z), float(q_x)) == pytest.approx((0.25, 0.15))
    v = 0.8
    werner = [(1 + 3 * v) / 4] + [(1 - v) / 4] * 3
    assert float(bell_diagonal_chsh(werner)) == pytest.approx(2 * np.sqrt(2) * v)


def test_sampled_pulses_do_not_step_through_each_pulse() -> None:
    """1e9 pulses at 100 km: only the ~ 1e5 detected pulses are materialised."""
    eta = 0.045 * 10 ** (-2.1)
    record = sample_bb84(10**9, np.array([0.5]), np.array([1.0]), eta=eta, background=1.7e-6,
                         misalignment=0.033, rng=np.random.default_rng(0))
    assert int(record.pulses.sum()) == 10**9
    expected = 10**9 * (1.7e-6 + 1 - np.exp(-0.5 * eta))
    assert record.detections == pytest.approx(expected, rel=5 / np.sqrt(expected))


def test_errors_of_the_network_part_name_the_scenarios_own_indices() -> None:
    """The engines serve the entangling links and requests without the fiber link and the
    bb84 request; their errors still number links and requests as written."""
    links = [FIBER, {**DEPOLARIZING, "between": ["alice", "carol"]}]
    requests = [BB84, {"kind": "entanglement", "between": ["alice", "carol"], "pairs": 5,
                       "min_fidelity": 0.99}]
    spec = parse_scenario(document(links, requests, nodes=("alice", "bob", "carol")))
    with pytest.raises(EngineError, match=r"^requests\[1\]"):
        run(spec, engine="des")
    with pytest.raises(EngineError, match=r"^requests\[1\]"):
        supports(spec, engine="analytic")


def test_no_trace_of_a_scenario_with_only_fiber_links() -> None:
    from qfab.protocols.trace import TraceRecorder

    spec = parse_scenario(document([FIBER], [BB84]))
    with pytest.raises(EngineError, match=r"^trace: this scenario has only fiber links"):
        run(spec, engine="des", trace=TraceRecorder())


def test_sweep_rows_carry_the_key_figures(tmp_path: Any) -> None:
    """A sweep of a qkd request stores its key figures; a lossless link's PLOB bound (null)
    and the bb84 request's chsh (null) are stored as nulls of the column's type."""
    from qfab.experiments.stats import result_row
    from qfab.experiments.store import ResultStore, read_table

    store = ResultStore(tmp_path / "rows")
    for length in ("0 km", "50 km"):
        spec = parse_scenario(document([{**FIBER, "length": length}], [BB84]))
        row = result_row(run(spec, engine="analytic").to_dict(), strong_id=length,
                         params={"links[0].length": length})
        assert row["r0_key_bits_per_pulse"] > 0 and row["r0_chsh"] is None
        store.write(row)
    table = read_table(tmp_path / "rows")
    assert sorted(table.column("r0_plob_bits_per_pulse").to_pylist(),
                  key=lambda v: v is None)[1] is None


def test_a_mean_photon_number_past_the_decoy_bounds_is_an_error() -> None:
    request = {**BB84, "source": {**BB84["source"], "mu": "1e300"}}
    assert error_of(document([FIBER], [request])).startswith("requests[0].source.mu: ")


def test_a_policy_over_fiber_links_only_is_an_error() -> None:
    doc = {**document([FIBER], [BB84]), "policy": {"purification": "bbpssw"}}
    assert error_of(doc).startswith("policy.purification: every link is a fiber link")


@pytest.mark.parametrize("decoys", ["infinite", ["nu", "vacuum"]])
def test_mu_optimal_runs_at_the_intensity_that_maximises_the_key_rate(decoys: Any) -> None:
    """The engine's mu is physics.qkd.optimal_mu on the link's channel (GYS at 50 km, Ma et
    al. 2005: near 0.48 with infinite decoys), and its rate is above that of nearby mu."""
    from qfab.physics.qkd import bb84_decoy_key_rate

    source: dict[str, Any] = {"mu": "optimal", "repetition_rate": "1 GHz"}
    if decoys != "infinite":
        source["nu"] = 0.1
    request = {**BB84, "decoys": decoys, "source": source}
    chosen = run(parse_scenario(document([FIBER], [request])), engine="analytic").requests[0]
    mu = chosen.extra["mu"]
    eta, y0 = 0.045 * 10 ** (-0.21 * 50 / 10), 1.7e-6
    kind = "infinite" if decoys == "infinite" else "vacuum+weak"

    def rate(m: float) -> float:
        return float(bb84_decoy_key_rate(eta, y0, 0.033, 1.22, m, decoys=kind, nu=0.1))

    assert rate(mu) > max(rate(mu * 0.9), rate(mu * 1.1))
    if decoys == "infinite":
        assert mu == pytest.approx(0.48, abs=0.015)
    longer = {**request, "pulses": "1e8"}  # enough sifted bits for a key
    sampled = run(parse_scenario(document([FIBER], [longer])), engine="des").requests[0]
    assert sampled.extra["mu"] == mu and sampled.extra["keys_match"]


def test_mu_optimal_without_any_key_is_one_clear_error() -> None:
    request = {**BB84, "source": {"mu": "optimal", "nu": 0.1, "repetition_rate": "1 GHz"}}
    far = {**FIBER, "length": "300 km"}
    with pytest.raises(EngineError, match=r"^source\.mu: optimal \(qkd request alice - bob\): "
                       "no signal intensity gives a positive key rate"):
        run(parse_scenario(document([far], [request])), engine="analytic")
