"""BBM92 in the analytic engine against closed forms and against the event simulation
(QKD-BBM92-E91-01).

- Werner pairs of visibility ``V`` on one link: ``S = 2 sqrt(2) V``, ``QBER = (1 - V)/2``,
  sifted bits ``pairs / 2``, and the key of ``n = (1 - sample fraction) x sifted`` corrected
  bits is ``n (1 - 2 h(Q))`` at ``f = 1`` (:func:`~qfab.physics.qkd.bbm92_secret_fraction`),
  the finite key that of :func:`~qfab.physics.qkd.bbm92_finite_key_length` at the expected
  counts; above the 11 % threshold no key;
- analytic vs des on one link whose memories dephase while the herald travels (a
  Bell-diagonal, non-Werner pair: ``Q_Z != Q_X``), on a two-link chain with ideal memories
  and on the same chain with depolarizing memories (random waits: Werner pairs of random
  parameter, of exact mean, the CHSH value within 5 standard errors of the per-pair spread):
  sifted bits within 5 binomial standard errors (``sqrt(pairs / 4)``), QBER within 5 standard
  errors of des's estimate (``sqrt(Q (1 - Q) / sifted)``), CHSH to rounding (every pair has
  the same state), and, with the analytic leak set to the syndrome bits des sent, the final
  key within 5 standard errors of the length des computes from its sampled QBER;
- a chain whose memories decohere while a pair waits (the campus example) is refused,
  naming the request and the missing conditions.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.engines import run, supports
from qfab.engines.result import RunResult
from qfab.errors import EngineError
from qfab.loading import load_scenario, parse_scenario
from qfab.physics.qkd import bbm92_finite_key_length, bbm92_secret_fraction, binary_entropy
from qfab.qkd.session import SessionConfig
from tests.conftest import EXAMPLES

SAMPLE = SessionConfig().sample_fraction


def werner_link(visibility: float, pairs: int, **request: Any) -> dict[str, Any]:
    return {"qfab": 1, "seed": 5, "duration": "100 s", "nodes": {"alice": {}, "bob": {}},
            "links": [{"kind": "depolarizing", "between": ["alice", "bob"],
                       "fidelity": (1 + 3 * visibility) / 4, "success_probability": 0.5,
                       "cycle_time": "10 us"}],
            "requests": [{"kind": "qkd", "protocol": "bbm92", "between": ["alice", "bob"],
                          "pairs": pairs, **request}]}


def dephasing_link(pairs: int) -> dict[str, Any]:
    """A 20 km double-click link whose end memories (T2 = 2 ms) dephase during the 100 us
    herald: the pair's X-basis errors exceed its Z-basis ones."""
    memory = {"qubits": 1, "t2": "2 ms"}
    return {"qfab": 1, "seed": 5, "duration": "200 s",
            "nodes": {"alice": {"memory": memory}, "bob": {"memory": memory}},
            "links": [{"kind": "double_click", "between": ["alice", "bob"], "length": "20 km",
                       "cycle_time": "10 us", "fiber": {"attenuation": "0.2 dB/km"},
                       "emitter": {"efficiency": 0.4},
                       "detector": {"efficiency": 0.9, "dark_count_rate": "20 Hz"},
                       "visibility": 0.97}],
            "requests": [{"kind": "qkd", "protocol": "bbm92", "between": ["alice", "bob"],
                          "pairs": pairs}]}


def ideal_chain(pairs: int) -> dict[str, Any]:
    """Two Werner links (F = 0.97, 0.95) joined by one swap, ideal memories."""
    link = {"kind": "depolarizing", "success_probability": 0.5, "cycle_time": "10 us"}
    return {"qfab": 1, "seed": 8, "duration": "100 s",
            "nodes": {"alice": {}, "repeater": {"memory": {"qubits": 2}}, "bob": {}},
            "links": [{**link, "between": ["alice", "repeater"], "fidelity": 0.97},
                      {**link, "between": ["repeater", "bob"], "fidelity": 0.95}],
            "policy": {"swap": "asap"},
            "requests": [{"kind": "qkd", "protocol": "bbm92", "between": ["alice", "bob"],
                          "pairs": pairs}]}


def depolarizing_chain(pairs: int) -> dict[str, Any]:
    """The chain of :func:`ideal_chain` with memories that depolarize (T1 = T2 = 400 us)
    while the first pair waits for the second: each pair is a Werner pair of a random
    parameter, their mean the exact one of the nested recursion."""
    document = ideal_chain(pairs)
    memory = {"t1": "400 us", "t2": "400 us"}
    document["nodes"] = {"alice": {"memory": memory},
                         "repeater": {"memory": {**memory, "qubits": 2}},
                         "bob": {"memory": memory}}
    return document


def extra_of(result: RunResult) -> dict[str, Any]:
    return dict(result.requests[0].extra)


@pytest.mark.parametrize("visibility", [0.9, 0.96])
def test_analytic_bbm92_on_werner_pairs_is_the_closed_form(visibility: float) -> None:
    pairs = 40_000
    result = run(parse_scenario(werner_link(visibility, pairs)), engine="analytic")
    row = result.requests[0]
    extra = row.extra
    qber = (1 - visibility) / 2
    assert row.delivered == pairs
    assert extra["chsh"] == pytest.approx(2 * math.sqrt(2) * visibility, rel=1e-12)
    assert extra["qber"] == pytest.approx(qber, rel=1e-12)
    assert extra["sifted_bits"] == pytest.approx(pairs / 2, rel=1e-12)
    n = (1 - SAMPLE) * pairs / 2
    assert extra["final_key_bits"] == pytest.approx(n * float(bbm92_secret_fraction(qber)),
                                                    rel=1e-12)
    assert extra["secret_fraction"] == pytest.approx(extra["final_key_bits"] / (pairs / 2))
    assert extra["key_rate_bps"] == pytest.approx(
        extra["final_key_bits"] / pairs * row.rate_hz, rel=1e-12)
    assert extra["keys_match"] is None and extra["abort_reason"] is None
    assert extra["key_bits_per_pulse"] is None and extra["exposed_at"] == []


def test_analytic_bbm92_leak_and_finite_key() -> None:
    """f = 1.2 leaks 1.2 n h(Q); finite_key gives bbm92_finite_key_length at the expected
    counts (k = 10 % of the sifted bits, n the rest)."""
    pairs, visibility, f = 40_000, 0.95, 1.2
    qber = (1 - visibility) / 2
    sifted = pairs / 2
    n, k = (1 - SAMPLE) * sifted, SAMPLE * sifted
    leak = f * n * float(binary_entropy(qber))
    asymptotic = extra_of(run(parse_scenario(werner_link(
        visibility, pairs, error_correction_efficiency=f)), engine="analytic"))
    assert asymptotic["final_key_bits"] == pytest.approx(
        n * (1 - float(binary_entropy(qber))) - leak, rel=1e-12)
    finite = extra_of(run(parse_scenario(werner_link(
        visibility, pairs, error_correction_efficiency=f, finite_key={"epsilon": 1e-10})),
        engine="analytic"))
    expected = float(bbm92_finite_key_length(n, k, qber, leak, epsilon_sec=1e-10))
    assert 0 < expected < asymptotic["final_key_bits"]
    assert finite["final_key_bits"] == pytest.approx(expected, rel=1e-12)


def test_analytic_bbm92_above_the_threshold_gives_no_key() -> None:
    extra = extra_of(run(parse_scenario(werner_link(0.7, 5_000)), engine="analytic"))
    assert extra["qber"] == pytest.approx(0.15)
    assert extra["final_key_bits"] == 0 and extra["key_rate_bps"] == 0
    assert extra["abort_reason"].startswith("expected QBER 0.1500 above the limit 0.11")


@pytest.mark.parametrize("scenario", [dephasing_link, ideal_chain, depolarizing_chain],
                         ids=["dephasing-link", "ideal-chain", "depolarizing-chain"])
def test_analytic_bbm92_agrees_with_des(scenario: Any) -> None:
    pairs = 40_000
    spec = parse_scenario(scenario(pairs))
    des_row = run(spec, engine="des").requests[0]
    des = des_row.extra
    assert des_row.delivered == pairs and des["keys_match"] is True
    analytic = extra_of(run(parse_scenario(scenario(pairs)), engine="analytic"))
    assert analytic["sifted_bits"] == pytest.approx(des["sifted_bits"],
                                                    abs=5 * math.sqrt(pairs / 4))
    qber = analytic["qber"]
    assert 0.01 < qber < 0.09
    se = math.sqrt(qber * (1 - qber) / des["sifted_bits"])
    assert des["qber"] == pytest.approx(qber, abs=5 * se)
    if scenario is depolarizing_chain:
        # S = 2 sqrt(2) (1 - 2 Q) of the mean Werner pair; the per-pair Q of the pairs
        # varies by at most sqrt(Q (1 - Q)) (a value in [0, 1/2] of mean Q)
        se_chsh = 4 * math.sqrt(2) * math.sqrt(qber * (1 - qber) / pairs)
        assert des["chsh"] == pytest.approx(analytic["chsh"], abs=5 * se_chsh)
    else:  # every pair has the same state
        assert des["chsh"] == pytest.approx(analytic["chsh"], rel=1e-9)

    # the same leak in both: the analytic length differs from des's by the sampled QBER
    # (k test bits) and the sifted count
    n = analytic["sifted_bits"] * (1 - SAMPLE)
    f = des["leak_ec_bits"] / (n * float(binary_entropy(qber)))
    matched = extra_of(run(parse_scenario(
        {**scenario(pairs), "requests": [{**scenario(pairs)["requests"][0],
                                          "error_correction_efficiency": f}]}),
        engine="analytic"))
    slope = n * math.log2((1 - qber) / qber)  # n |dh/dQ|
    se_final = math.hypot(slope * math.sqrt(qber * (1 - qber) / des["sampled_bits"]),
                          (1 - SAMPLE) * math.sqrt(pairs / 4))
    assert des["final_key_bits"] == pytest.approx(matched["final_key_bits"], abs=5 * se_final)


def test_analytic_bbm92_refuses_a_chain_of_decohering_memories() -> None:
    spec = load_scenario(EXAMPLES / "qkd_bbm92_campus.yaml")
    served = supports(spec, engine="analytic")
    assert not served and served.reason is not None
    assert served.reason.startswith("requests[0]: the analytic engine computes chains with")
    assert "ideal memories" in served.reason and served.reason.endswith("use engine des")
    with pytest.raises(EngineError, match=r"^requests\[0\]: the analytic engine"):
        run(spec, engine="analytic")
