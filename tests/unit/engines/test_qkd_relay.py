"""Trusted-node relays in qkd requests, key delivery to the key store, and the key-rate sweep.

- a bb84-decoy request over a chain of fiber links with ``relay: trusted``: the analytic
  end-to-end rate is the smallest link's (each link computed as its own direct request); the
  event simulation's end-to-end key is the first link's key at both ends, as long as the
  shortest link key, exposed at every relay, and what the key store then holds;
- bbm92 over a repeater path is end to end: no node is exposed;
- errors name the field;
- the key-rate sweep example gives the qkd columns, and no key rate above the PLOB bound.
"""

from __future__ import annotations

import copy
import importlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qfab.engines import run
from qfab.errors import ScenarioError
from qfab.kms import KeyStore, RelayResult, fingerprint
from qfab.loading import load_scenario, parse_scenario
from qfab.report.labels import describe
from qfab.report.table import format_result
from tests.conftest import EXAMPLES

FIBER: dict[str, Any] = {"kind": "fiber", "fiber": {"attenuation": "0.21 dB/km"},
                         "detector": {"efficiency": 0.045, "dark_count_probability": 1.7e-6}}
BB84: dict[str, Any] = {"kind": "qkd", "protocol": "bb84-decoy", "between": ["alice", "bob"],
                        "source": {"mu": 0.48, "nu": 0.1, "repetition_rate": "1 GHz"},
                        "decoys": ["nu", "vacuum"], "misalignment": 0.033,
                        "error_correction_efficiency": 1.22, "pulses": "5e7",
                        "relay": "trusted"}
#: alice - r1 - r2 - bob (the last link written bob -> r2), and a detour of more links but
#: shorter fiber: the relay takes the path of fewest trusted nodes.
CHAIN = [("alice", "r1", 10), ("r1", "r2", 20), ("bob", "r2", 15), ("alice", "d1", 5),
         ("d1", "d2", 5), ("d2", "d3", 5), ("d3", "bob", 5)]


def document(links: list[tuple[str, str, float]] = CHAIN, **request: Any) -> dict[str, Any]:
    names = sorted({name for u, v, _ in links for name in (u, v)})
    return {"qfab": 1, "seed": 4, "duration": "1 s", "nodes": {name: {} for name in names},
            "links": [{**FIBER, "between": [u, v], "length": f"{km} km"} for u, v, km in links],
            "requests": [{**BB84, **request}]}


def error_of(doc: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc)
    return str(caught.value)


def _direct(u: str, v: str, km: float, engine: str) -> dict[str, Any]:
    """The figures of one link as a direct request of its own."""
    doc = document([(u, v, km)], between=[u, v])
    doc["requests"][0].pop("relay")
    return run(parse_scenario(doc), engine=engine).requests[0].extra


def test_analytic_end_to_end_rate_is_the_smallest_link_rate() -> None:
    result = run(parse_scenario(document()), engine="analytic")
    row = result.requests[0]
    links = [_direct(u, v, km, "analytic") for u, v, km in CHAIN[:3]]
    rates = [link["key_bits_per_pulse"] for link in links]
    assert rates[1] == min(rates)  # the 20 km link
    assert row.path == ["alice", "r1", "r2", "bob"]  # fewest links, not the detour
    extra = row.extra
    assert extra["relay"] == "trusted" and extra["exposed_at"] == ["r1", "r2"]
    assert extra["key_bits_per_pulse"] == pytest.approx(min(rates), rel=1e-12)
    assert extra["key_rate_bps"] == pytest.approx(min(rates) * 1e9, rel=1e-12)
    assert extra["final_key_bits"] == pytest.approx(min(rates) * 5e7, rel=1e-12)
    assert [link["key_bits_per_pulse"] for link in extra["relay_links"]] == \
        pytest.approx(rates, rel=1e-12)
    assert [c["between"] for c in extra["consumed_bits"]] == \
        [["alice", "r1"], ["r1", "r2"], ["r2", "bob"]]
    assert {c["bits"] for c in extra["consumed_bits"]} == {extra["final_key_bits"]}
    assert extra["plob_bits_per_pulse"] == min(link["plob_bits_per_pulse"] for link in links)
    assert result.key_store is None


def test_des_relayed_key_is_the_first_link_key_at_both_ends(
        monkeypatch: pytest.MonkeyPatch) -> None:
    kms_relay = importlib.import_module("qfab.kms.relay")
    seen: list[tuple[list[Any], RelayResult]] = []
    original = kms_relay.relay

    def spy(nodes: Any, link_keys: Any) -> RelayResult:
        out = original(nodes, link_keys)
        seen.append(([np.array(key) for key in link_keys], out))
        return out

    monkeypatch.setattr(kms_relay, "relay", spy)
    result = run(parse_scenario(document()), engine="des")
    extra = result.requests[0].extra
    (keys, relayed), = seen
    finals = [link["final_key_bits"] for link in extra["relay_links"]]
    assert [len(key) for key in keys] == finals and all(link["keys_match"]
                                                        for link in extra["relay_links"])
    length = min(finals)
    assert length > 1000 and extra["final_key_bits"] == relayed.key_bits == length
    assert extra["keys_match"] is True and relayed.keys_match
    assert np.array_equal(relayed.source_key, keys[0][:length])
    assert np.array_equal(relayed.destination_key, keys[0][:length])
    assert extra["exposed_at"] == ["r1", "r2"] == list(relayed.exposed_at)
    assert {c["bits"] for c in extra["consumed_bits"]} == {length}
    # the key store: the end-to-end key in the ends' pool, each link's unused bits in its own
    store = result.key_store
    assert isinstance(store, KeyStore)
    whole = length // 8 * 8
    assert extra["stored_key_bits"] == length
    assert store.available_bits("alice", "bob") == whole
    assert fingerprint(store.withdraw_bits("bob", "alice", whole)) == \
        fingerprint(keys[0][:whole])
    for (u, v, _), key in zip(CHAIN[:3], keys):
        assert store.available_bits(u, v) == (len(key) - length) // 8 * 8
    # keys reach neither the result document nor its text
    text = json.dumps(result.to_dict()) + format_result(result)
    assert "key_store" not in text and "key relayed through trusted nodes r1, r2" in text


def test_a_link_without_key_leaves_the_relay_without_key() -> None:
    result = run(parse_scenario(document([("alice", "r1", 10), ("r1", "bob", 200)])),
                 engine="des")
    extra = result.requests[0].extra
    assert extra["final_key_bits"] == 0 and extra["keys_match"] is None
    assert extra["abort_reason"].startswith("link r1-bob: ")
    assert extra["relay_links"][0]["final_key_bits"] > 0
    assert result.key_store is not None
    assert ("alice", "bob") not in result.key_store.pairs()
    assert result.key_store.available_bits("alice", "r1") > 0  # the link's own key stays


def test_des_direct_bb84_key_goes_to_the_key_store() -> None:
    doc = document([("alice", "bob", 20)])
    doc["requests"][0].pop("relay")
    result = run(parse_scenario(doc), engine="des")
    extra = result.requests[0].extra
    assert extra["exposed_at"] == [] and extra["relay"] is None
    assert extra["stored_key_bits"] == extra["final_key_bits"] > 0
    store = result.key_store
    assert store is not None
    keys = store.get_key("alice", "bob", number=2)
    same = store.get_key_with_ids("bob", "alice", keys.key_IDs())
    assert [k.fingerprint() for k in keys] == [k.fingerprint() for k in same]
    assert store.status("alice", "bob").stored_key_count == extra["final_key_bits"] // 256 - 2


def test_bbm92_over_a_repeater_path_exposes_no_node() -> None:
    link = {"kind": "depolarizing", "fidelity": 0.99, "success_probability": 0.5,
            "cycle_time": "10 us"}
    doc = {"qfab": 1, "seed": 5, "duration": "10 s",
           "nodes": {"alice": {}, "r": {"memory": {"qubits": 2}}, "bob": {}},
           "links": [{**link, "between": ["alice", "r"]}, {**link, "between": ["r", "bob"]}],
           "requests": [{"kind": "qkd", "protocol": "bbm92", "between": ["alice", "bob"],
                         "pairs": 4000}]}
    result = run(parse_scenario(doc), engine="des")
    row = result.requests[0]
    assert row.path == ["alice", "r", "bob"]
    assert row.extra["exposed_at"] == [] and row.extra["relay"] is None
    assert row.extra["keys_match"] is True
    assert row.extra["stored_key_bits"] == row.extra["final_key_bits"] > 0
    assert result.key_store is not None
    assert result.key_store.available_bits("alice", "bob") == \
        row.extra["final_key_bits"] // 8 * 8


def test_relay_errors_name_the_field() -> None:
    doc = document()
    doc["requests"][0].pop("relay")
    assert error_of(doc).startswith("requests[0].relay: alice and bob are joined by a chain "
                                    "of fiber links through r1, r2: set relay: trusted")
    direct = error_of(document([("alice", "bob", 10)]))
    assert direct.startswith("requests[0].relay: a fiber link joins alice and bob directly")
    assert "relay" in error_of(document(relay="untrusted"))
    bbm92 = {"kind": "qkd", "protocol": "bbm92", "between": ["alice", "bob"], "pairs": 10,
             "relay": "trusted"}
    doc = document()
    doc["requests"] = [bbm92]
    assert "relay: bbm92 measures pairs delivered end to end" in error_of(doc)


def test_the_metro_example_relays_through_two_trusted_nodes() -> None:
    spec = load_scenario(EXAMPLES / "qkd_metro_relay.yaml")
    assert len(spec.nodes) == 6
    row = run(spec, engine="analytic").requests[0]
    assert row.path == ["argonne", "southwest", "uchicago", "cqe_hq"]
    assert row.extra["exposed_at"] == ["southwest", "uchicago"]
    assert row.extra["key_rate_bps"] > 1e5


def test_qkd_sweep_columns_are_plottable() -> None:
    assert describe("r0_key_rate_bps").plob == "rate"
    assert describe("r0_key_bits_per_pulse").plob == "per_use"
    assert describe("r0_qber").plob == "no"


def test_the_key_rate_sweep_has_the_qkd_columns_and_stays_below_plob(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from qfab.experiments.store import read_table
    from qfab.experiments.sweep import read_document, run_sweep

    path = EXAMPLES / "sweeps" / "qkd_key_rate_distance.yaml"
    document_ = copy.deepcopy(read_document(path))
    summary = run_sweep(document_, base_dir=path.parent, out=tmp_path / "r")
    rows = read_table(tmp_path / "r").to_pylist()
    assert summary.run == len(rows) == 27
    for column in ("r0_qber", "r0_key_bits_per_pulse", "r0_key_rate_bps",
                   "r0_secret_fraction", "r0_final_key_bits", "r0_plob_bits_per_pulse"):
        assert column in rows[0]
    rates = [row["r0_key_bits_per_pulse"] for row in rows]
    assert all(rate > 0 for rate in rates)
    assert all(a > b for a, b in zip(rates, rates[1:]))
    for row in rows:
        assert row["r0_key_bits_per_pulse"] < row["r0_plob_bits_per_pulse"]
        assert row["r0_key_rate_bps"] == pytest.approx(row["r0_key_bits_per_pulse"] * 1e9)


def test_qfab_run_writes_the_key_store_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    from qfab.cli import main

    scenario = tmp_path / "chain.json"
    scenario.write_text(json.dumps(document()))
    path = tmp_path / "keys.db"
    assert main(["run", str(scenario), "--key-store", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o600
    with KeyStore(path) as store:
        assert store.available_bits("alice", "bob") > 1000
        keys = store.get_key("alice", "bob", number=1)
        assert store.get_key_with_ids("bob", "alice", keys.key_IDs()).keys[0].fingerprint() \
            == keys.keys[0].fingerprint()
    capsys.readouterr()
    assert main(["run", str(scenario), "--key-store", str(path)]) == 2
    assert "--key-store: " in capsys.readouterr().err
    analytic = tmp_path / "analytic.db"
    assert main(["run", str(scenario), "--key-store", str(analytic), "--engine", "analytic"]) == 2
    assert "engine des" in capsys.readouterr().err and not analytic.exists()
