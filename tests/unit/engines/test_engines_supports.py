"""Declared capabilities: each engine says yes, or no with the reason, and runs what it accepts.

Every refusal names the scenario field it concerns; ``run`` on a refused scenario raises
exactly that reason, and a supported scenario runs (so a wrong "yes" fails here too).
"""

from __future__ import annotations

from typing import Any

import pytest

from qfab.engines import ENGINES, Support, run, supports
from qfab.engines.fast import compile_request
from qfab.engines.fast.schemes import (
    CompiledAsapChain,
    CompiledAsapCutoffChain,
    CompiledLink,
    CompiledNestedChain,
    CompiledPurifiedLink,
)
from qfab.errors import EngineError
from qfab.loading import parse_scenario
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.planner import plan_network
from tests.scenarios import two_node
from tests.validation.test_engine_agreement import SCENARIOS, chain, purified


def _link() -> dict[str, Any]:
    return two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.2,
                     "cycle_time": "1 ms"}, pairs=20, duration="1000 s", fast={"shots": 50})


def _with(document: dict[str, Any], **policy: Any) -> dict[str, Any]:
    return {**document, "policy": {**document.get("policy", {}), **policy}}


def _purified_chain() -> dict[str, Any]:
    document = _with(chain(2, pairs=20), purification="dejmps", purification_rounds=1)
    for node in document["nodes"].values():
        node["memory"]["qubits"] *= 2
    return document


def _link_requests(*priorities: int,
                   deadlines: tuple[str | None, ...] = ()) -> dict[str, Any]:
    """One link serving a request of each priority (and deadline), in this order."""
    document = _link()
    request = document["requests"][0]
    document["requests"] = [{**request, "priority": p} for p in priorities]
    for entry, deadline in zip(document["requests"], deadlines):
        if deadline is not None:
            entry["deadline"] = deadline
    return document


def _tiered(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its first node in the nodal tier and the others in the campus tier
    (the path crosses two domains and is stitched at the gateway ``n1``)."""
    nodes = {name: {**node, "tier": "campus"} for name, node in document["nodes"].items()}
    nodes["n0"]["tier"] = "nodal"
    return {**document, "nodes": nodes}


def _two_requests() -> dict[str, Any]:
    document = chain(2, pairs=20)
    document["requests"].append(dict(document["requests"][0]))
    return document


#: name -> (document, {engine: None (supported) or the start of its reason})
CASES: dict[str, tuple[dict[str, Any], dict[str, str | None]]] = {
    "one link": (_link(), {"analytic": None, "fast": None}),
    "one link, buffer": (_with(_link(), buffer=2), {
        "analytic": "policy.buffer: the analytic engine computes pairs used at the herald",
        "fast": "policy.buffer: the fast engine serves requests on demand only"}),
    "one link, cutoff below the herald delay": (
        _with({**_link(), "links": [{**_link()["links"][0], "length": "100 km"}]},
              cutoff="0.1 ms"), {"analytic": None, "fast": None}),
    "purified link": (purified("dejmps", 2, length="0 km", t2="inf"), {
        "analytic": "requests[0]: the analytic engine does not model purification",
        "fast": None}),
    "purified link, cutoff": (_with(purified("dejmps", 1, length="0 km", t2="inf"),
                                    cutoff="1 s"), {
        "analytic": "requests[0]: the analytic engine does not model purification",
        "fast": "requests[0]: the fast engine models purification on single links without "
                "cutoff"}),
    "purified 2-link chain": (_purified_chain(), {
        "analytic": "requests[0]: the analytic engine does not model purification",
        "fast": "requests[0]: the fast engine models purification on single links"}),
    "4-link chain": (chain(4, pairs=20), {"analytic": None, "fast": None}),
    "4-link chain, 20 km hops": (chain(4, length="20 km", pairs=20), {
        "analytic": "requests[0]: the analytic engine computes chains with zero-length links",
        "fast": None}),
    "3-link asap, p_swap 0.5": (chain(3, p_swap=0.5, pairs=20), {
        "analytic": "requests[0]: swap-asap with swap success below 1 over more than two links",
        "fast": "requests[0]: the fast engine models swap-asap with swap success 1"}),
    "2-link asap, p_swap 0.5": (chain(2, p_swap=0.5, pairs=20), {"analytic": None,
                                                                 "fast": None}),
    "2-link asap, p_swap 0.5, 10 km": (chain(2, p_swap=0.5, length="10 km", pairs=20), {
        "analytic": "requests[0]: the analytic engine computes chains with zero-length links",
        "fast": "requests[0]: the fast engine models swap-asap with swap success 1 (or two "
                "zero-length links)"}),
    "3-link nested": (chain(3, swap="nested", pairs=20), {
        "analytic": "requests[0]: the analytic nested scheme needs 2^n links",
        "fast": "requests[0]: the fast engine models nested swapping on 2^n zero-length links"}),
    "4-link nested, 5 km": (chain(4, swap="nested", length="5 km", pairs=20), {
        "analytic": "requests[0]: the analytic engine computes chains with zero-length links",
        "fast": "requests[0]: the fast engine models nested swapping on 2^n zero-length links"}),
    "4-link chain, cutoff": (chain(4, p=0.5, cutoff="10.5 ms", pairs=20), {
        "analytic": "requests[0]: the analytic engine computes chains with no cutoff",
        "fast": None}),
    "4-link chain, 5 km, cutoff": (chain(4, p=0.5, length="5 km", cutoff="10.5 ms", pairs=20), {
        "analytic": "requests[0]: the analytic engine computes chains with zero-length links",
        "fast": "policy.cutoff: the fast engine models cutoffs on single links and on "
                "swap-asap chains of zero-length links"}),
    "2-link asap, p_swap 0.5, cutoff": (chain(2, p_swap=0.5, cutoff="10 ms", pairs=20), {
        "analytic": "requests[0]: the analytic engine computes chains with no cutoff",
        "fast": "policy.cutoff: the fast engine models cutoffs"}),
    "4-link nested, cutoff": (chain(4, swap="nested", cutoff="10 ms", pairs=20), {
        "analytic": "requests[0]: the analytic engine computes chains with no cutoff",
        "fast": "policy.cutoff: the fast engine models cutoffs"}),
    "one link, density matrix": ({**_link(), "formalism": "density_matrix"}, {
        "analytic": "formalism: 'density_matrix'; the analytic engine computes Bell-diagonal",
        "fast": "formalism: 'density_matrix'; the fast engine computes Bell-diagonal"}),
    "4-link chain, density matrix": ({**chain(4, pairs=20), "formalism": "density_matrix"}, {
        "analytic": "formalism: 'density_matrix'", "fast": "formalism: 'density_matrix'"}),
    "4-link nested, p_swap 0.5, first node in another tier": (
        _tiered(chain(4, swap="nested", p_swap=0.5, pairs=20)), {
            "analytic": "requests[0]: the path crosses the domains nodal, campus and is "
                        "swapped per domain, stitched at the gateways n1; the analytic engine",
            "fast": "requests[0]: the path crosses the domains nodal, campus and is swapped "
                    "per domain, stitched at the gateways n1; the fast engine"}),
    "2-link chain across tiers": (_tiered(chain(2, pairs=20)), {
        "analytic": "requests[0]: the path crosses the domains nodal, campus",
        "fast": "requests[0]: the path crosses the domains nodal, campus"}),
    "one link across tiers": (_tiered({**_link(), "nodes": {"n0": {}, "n1": {}},
                                       "links": [{**_link()["links"][0], "between": ["n0", "n1"]}],
                                       "requests": [{**_link()["requests"][0],
                                                     "between": ["n0", "n1"]}]}),
                              {"analytic": None, "fast": None}),
    "two requests on one link, equal priorities": (_link_requests(0, 0), {
        "analytic": None,
        "fast": "requests[1]: shares the link alice - bob with requests[0]"}),
    "two requests on one link, the second of higher priority": (_link_requests(0, 1), {
        "analytic": "requests[1].priority: 1 against 0 of requests[0], which shares the link "
                    "alice - bob, serves it first; the analytic engine serves requests "
                    "sharing a link in scenario order",
        "fast": "requests[1]: shares the link alice - bob with requests[0]"}),
    "two requests on one link, the first of higher priority": (_link_requests(1, 0), {
        "analytic": None,
        "fast": "requests[1]: shares the link alice - bob with requests[0]"}),
    "two requests on one link, the second with the earlier deadline": (
        _link_requests(0, 0, deadlines=(None, "500 s")), {
            "analytic": "requests[1].deadline: an earlier deadline than that of requests[0], "
                        "which shares the link alice - bob, serves it first",
            "fast": "requests[1]: shares the link alice - bob with requests[0]"}),
    "two requests on one link": (_two_requests(), {
        "analytic": "requests[0]: the analytic engine computes chains with a single request",
        "fast": "requests[1]: shares the link n0 - n1 with requests[0]; contending requests "
                "need engine des"}),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_engine_says_whether_it_runs_the_scenario(engine: str, name: str) -> None:
    document, expected = CASES[name]
    spec = parse_scenario(document)
    support = supports(spec, engine=engine)
    want = expected.get(engine)  # the event simulation runs everything
    if want is None:
        assert support and support.reason is None
        request = run(spec, engine=engine, seed=3).requests[0]
        too_old = "herald delay" in name  # every pair exceeds the cutoff when heralded
        assert (request.delivered == 0) if too_old else (request.delivered > 0)
    else:
        assert not support and support.reason is not None
        assert support.reason.startswith(want)
        assert support.reason.endswith("engine des")  # says where to go instead
        with pytest.raises(EngineError) as refused:
            run(spec, engine=engine, seed=3)
        assert str(refused.value) == support.reason


#: scheme each agreement scenario compiles into
SCHEME_OF = {
    "depolarizing link": CompiledLink, "2-link chain": CompiledAsapChain,
    "4-link nested, p_swap 0.7": CompiledNestedChain,
    "2-link asap, p_swap 0.5, T2": CompiledNestedChain,  # one repeater: asap is nested
    "4-link chain, 20 km hops, T2, gate noise": CompiledAsapChain,
    "4-link chain, cutoff": CompiledAsapCutoffChain,
    "link, DEJMPS x2": CompiledPurifiedLink,
    "4-link chain, 3 lanes, 20 km hops, T2": CompiledAsapChain,
}


@pytest.mark.parametrize("name", list(SCHEME_OF))
def test_each_path_compiles_into_the_scheme_that_models_it(name: str) -> None:
    spec = parse_scenario(SCENARIOS[name])
    network = NetworkGraph(spec)
    request = plan_network(spec, network).requests[0]
    assert type(compile_request(spec, network, request)) is SCHEME_OF[name]


def test_support_is_truthy_exactly_when_ok() -> None:
    assert Support.yes() and not Support.no("policy.cutoff: x")
    with pytest.raises(ValueError, match="reason"):
        Support(False)
    with pytest.raises(ValueError, match="reason"):
        Support(True, "policy.cutoff: x")
    with pytest.raises(EngineError, match="^policy.cutoff: x$"):
        Support.no("policy.cutoff: x").require()


def test_a_scenario_no_engine_can_serve_raises_rather_than_refusing() -> None:
    """Planning failures are the scenario's, not an engine's: every engine raises them."""
    document = _link()
    document["requests"][0]["min_fidelity"] = 0.99
    spec = parse_scenario(document)
    for engine in ENGINES:
        with pytest.raises(EngineError, match=r"requests\[0\]\.min_fidelity: 0\.99"):
            supports(spec, engine=engine)


def test_unknown_engine_is_an_error_not_a_refusal() -> None:
    with pytest.raises(EngineError, match="unknown engine 'warp'"):
        supports(parse_scenario(_link()), engine="warp")


def test_the_fast_engine_refuses_a_gpu_it_cannot_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_cupy(name: str, *args: object, **kwargs: object) -> object:
        if name == "cupy":
            raise ImportError("no cupy")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_cupy)
    spec = parse_scenario({**_link(), "fast": {"shots": 50, "device": "gpu"}})
    support = supports(spec, engine="fast")
    assert not support and str(support.reason).startswith("--device gpu: CuPy is not installed")
    assert supports(spec, engine="des")


def test_memories_with_uncertain_readout_are_refused_by_engines_that_do_not_model_it() -> None:
    """The memory seam's retrieval efficiency and mode capacity (rare-earth AFC memories):
    an engine outside RECALL_ENGINES refuses a read-out that may fail, naming the node's
    memory (every built-in engine models it on a single link); several modes per qubit
    multiply the link's channels in every engine."""
    from dataclasses import replace
    from typing import Literal

    from qfab.engines import support as shared
    from qfab.linkmodel import link_models
    from qfab.memorymodel import memory_model
    from qfab.plugins import registry
    from qfab.spec.models import MemorySpecBase

    two_nodes: dict[str, Any] = {
        "qfab": 1, "nodes": {"a": {}, "b": {}},
        "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
                   "success_probability": 0.1, "cycle_time": "1 ms"}],
        "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 10}]}

    class LossySpec(MemorySpecBase):
        kind: Literal["lossy_readout"] = "lossy_readout"

    class MultimodeSpec(MemorySpecBase):
        kind: Literal["multimode"] = "multimode"

    ideal = memory_model(parse_scenario(two_nodes).nodes["a"].memory)
    with registry().scope() as found:
        found.register(LossySpec, lambda spec: replace(ideal, kind="lossy_readout",
                                                       retrieval=lambda t: 0.5))
        found.register(MultimodeSpec, lambda spec: replace(ideal, kind="multimode",
                                                           mode_capacity=100))
        lossy = parse_scenario({**two_nodes, "nodes": {"a": {"memory": {
            "kind": "lossy_readout"}}, "b": {}}})
        support = shared.memory_support(lossy, "other")
        assert not support and support.reason is not None
        assert support.reason.startswith("nodes.a.memory:")
        assert "retrieval efficiency" in support.reason
        for engine in ("analytic", "fast", "des"):
            assert engine in shared.RECALL_ENGINES and supports(lossy, engine=engine)
        both = parse_scenario({**two_nodes, "nodes": {"a": {"memory": {"kind": "multimode",
                                                                       "qubits": 2}},
                                                     "b": {"memory": {"kind": "multimode"}}}})
        assert [model.channels for model in link_models(both)] == [100]
        one = parse_scenario({**two_nodes, "nodes": {"a": {"memory": {"kind": "multimode"}},
                                                    "b": {}}})
        assert [model.channels for model in link_models(one)] == [1]
        for engine in ("analytic", "fast", "des"):
            assert supports(both, engine=engine)
