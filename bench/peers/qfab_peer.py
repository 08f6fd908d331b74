"""qfab on the peers' S1 (one link) and S2 (chain) scenarios, printing one JSON line.

The physics is SeQUeNCe's (see ../shared/peers/README.md): routers 10 km apart (S2) with a
Bell-state-measurement station mid-hop, 0.2 dB/km fiber, light at 2e8 m/s, single-heralded
generation in which both photons must reach the station and the linear-optics measurement
succeeds half the time (p = 0.5 eta_half^2), raw pairs Werner with F = 0.99, memories with a
2 s coherence time decaying by a Pauli channel with equal X, Y, Z rates (so T1 = T2 = 1.5 s
here: both character decays are exp(-4t/3T)), 10 memories per router (5 per side).

Timing is qfab's, not SeQUeNCe's: by default an attempt waits one classical hop for the
routers' negotiation, then the photon's and the herald's half hops, so it lasts 2 hop/c
(100 us at 10 km). SeQUeNCe 1.3.1's stack waits three classical hops before each emission
(the resource manager's REQUEST, which pairs a fresh protocol on every attempt, then the
protocol's NEGOTIATE and NEGOTIATE_ACK), so its attempts last 4 hop/c (200 us at 10 km) and
its link rate is half qfab's; ``--sequence-timing`` sets cycle_time to 3 hop/c to reproduce
that (see bench/results/peers.md).

On chains (S2) ``--sequence-timing`` also follows SeQUeNCe's swapping stage: the rules its
reservation installs swap in nested (doubling) order, a swapping router first pairs with both
partners by a resource-manager REQUEST/RESPONSE round trip (2 d hop/c for partners d hops
away) and then sends its result (d hop/c), and a link regenerates as soon as both of its
memories are free. qfab expresses the order (policy.swap nested) and the regeneration
(policy.buffer = qubits per link); the handshake is emulated by classical messages three
times slower than light (the partners learn a swap 3 d hop/c after it, as in SeQUeNCe), with
cycle_time lowered to 1 hop so that an attempt still lasts 4 hop/c. Not expressible:
SeQUeNCe pairs any free memory with any other (qfab keeps lanes), and its swapping memories
stay busy during the handshake. ``--sequence-link-only`` keeps only the link timing (the
fast engine needs it on chains: it has neither policy.buffer nor nested swapping over links
with length).

Usage: python bench/peers/qfab_peer.py --nodes 17 --sim-s 0.1 [--engine des|fast] [--seed N]
       [--sequence-timing [--sequence-link-only]]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from qfab.engines import run  # noqa: E402
from qfab.loading import parse_scenario  # noqa: E402

IMPORT_S = time.perf_counter() - T0
SPEED = 2e8  # m/s in fiber


def scenario(nodes: int, hop_km: float, sim_s: float, seed: int, *,
             attenuation_db_per_km: float = 0.2, raw_fidelity: float = 0.99,
             coherence_s: float = 2.0, memories_per_side: int = 5,
             negotiation_hops: int = 1, swap: str = "asap", message_slowdown: int = 1,
             buffer: int = 0, pairs: int = 10**9) -> dict[str, object]:
    """The S1/S2 scenario document (S1 is ``nodes = 2``).

    Each attempt waits ``negotiation_hops`` classical hops before emission (1: qfab's
    default; 3: SeQUeNCe 1.3.1's REQUEST, NEGOTIATE and NEGOTIATE_ACK); the link adds the
    photon's and the herald's half hops, so the attempt period is (negotiation_hops + 1) hop/c.
    ``message_slowdown`` k > 1 makes classical messages (and heralds) k times slower while
    keeping that period (SeQUeNCe's swap handshake with k = 3, see the module docstring);
    ``swap`` and ``buffer`` are the scenario's policy.swap and policy.buffer.
    """
    eta_half = 10 ** (-attenuation_db_per_km * hop_km / 2 / 10)
    memory_t = 0.75 * coherence_s  # equal X, Y, Z rates 1/(3T): characters decay as exp(-4t/3T)
    hop_s = hop_km * 1e3 / SPEED
    if message_slowdown > negotiation_hops + 1:
        raise ValueError("message_slowdown cannot exceed negotiation_hops + 1")
    link: dict[str, object] = {"kind": "depolarizing", "fidelity": raw_fidelity,
                               "success_probability": 0.5 * eta_half**2,
                               "cycle_time": (negotiation_hops + 1 - message_slowdown) * hop_s}
    if message_slowdown != 1:
        link["fiber"] = {"speed": SPEED / message_slowdown}
    policy: dict[str, object] = {"swap": swap}
    if buffer:
        policy["buffer"] = buffer
    return {
        "qfab": 1, "name": f"S{1 if nodes == 2 else 2} N={nodes}", "seed": seed,
        "duration": sim_s,
        "topology": {
            "kind": "chain", "nodes": nodes, "spacing": f"{hop_km} km", "prefix": "router_",
            "node": {"memory": {"qubits": memories_per_side, "t1": memory_t, "t2": memory_t}},
            "link": link,
        },
        "policy": policy,
        "requests": [{"kind": "entanglement", "between": ["router_0", f"router_{nodes - 1}"],
                      "pairs": pairs}],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--hop-km", type=float, default=10.0)
    parser.add_argument("--sim-s", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=["des", "fast"], default="des")
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--memories-per-side", type=int, default=None,
                        help="qubits per link at each router (default: 10 for S1, 5 for S2, "
                        "as the peers' requests use)")
    parser.add_argument("--sequence-timing", action="store_true",
                        help="attempts wait three classical hops before emission, as SeQUeNCe "
                        "1.3.1's resource manager and generation protocol do (default: one); on "
                        "chains also SeQUeNCe's swapping: nested order, a classical round trip to "
                        "the partners before each swap, regeneration as soon as memories are free")
    parser.add_argument("--sequence-link-only", action="store_true",
                        help="with --sequence-timing: only the link timing, qfab's swapping "
                        "(swap-asap, no handshake, generation on demand)")
    parser.add_argument("--pairs", type=int, default=None,
                        help="run until this many pairs are delivered (instead of --sim-s)")
    args = parser.parse_args(argv)
    if args.pairs is not None:
        args.sim_s = 1e4  # only a limit: the run ends with the last pair
    per_side = args.memories_per_side or (10 if args.nodes == 2 else 5)
    swapping = args.sequence_timing and not args.sequence_link_only and args.nodes > 2
    if swapping and args.engine == "fast":
        parser.error("the fast engine cannot follow SeQUeNCe's swapping (nested order over links "
                     "with length, policy.buffer); add --sequence-link-only or use --engine des")
    build0 = time.perf_counter()
    document = scenario(args.nodes, args.hop_km, args.sim_s, args.seed,
                        memories_per_side=per_side,
                        negotiation_hops=3 if args.sequence_timing else 1,
                        swap="nested" if swapping else "asap",
                        message_slowdown=3 if swapping else 1,
                        buffer=per_side if swapping else 0,
                        pairs=args.pairs or 10**9)
    spec = parse_scenario(document)
    result = run(spec, engine=args.engine)
    request = result.requests[0]
    pairs = request.delivered
    # the fast engine samples fast.shots independent runs of the scenario at once
    sampled = pairs * (spec.fast.shots if args.engine == "fast" else 1)
    window = args.sim_s if args.pairs is None else result.sim_time_s
    print(json.dumps({
        "simulator": f"qfab-{args.engine}", "scenario": args.scenario or
        ("link" if args.nodes == 2 else "chain"),
        "n_nodes": args.nodes, "hop_km": args.hop_km, "seed": args.seed,
        "timing": ("sequence" + ("" if swapping or args.nodes == 2 else "-link-only"))
        if args.sequence_timing else "qfab",
        "sim_window_s": window, "sim_total_s": result.sim_time_s, "pairs": pairs,
        "pair_rate_per_sim_s": pairs / window if window else None,
        "fidelity_mean": request.fidelity, "fidelity_min": request.fidelity_min,
        "fidelity_se": None if request.fidelity_ci95 is None else
        (request.fidelity_ci95[1] - request.fidelity_ci95[0]) / 2 / 1.96,
        "events_executed": result.events,
        "events_per_wall_s": (result.events / result.wall_time_s) if result.events else None,
        "wall_import_s": IMPORT_S, "wall_build_s": time.perf_counter() - build0 -
        result.wall_time_s, "wall_run_s": result.wall_time_s,
        "runs": spec.fast.shots if args.engine == "fast" else 1,
        "wall_per_pair_ms": 1e3 * result.wall_time_s / sampled if sampled else None,
        "peak_rss_mb_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "params": document,
    }))


if __name__ == "__main__":
    main()
