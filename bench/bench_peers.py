"""qfab against SeQUeNCe 1.3.1 and SimQN 0.2.3 on the peers' S1 and S2 scenarios, in one run.

Three parts, all measured in this one run on this machine:

1. the peers' scenarios (S1 link of 1, 10 and 50 km, S2 chains N = 9, 17, 33 with 10 km
   hops), every simulator with 3 seeds,
   plus qfab with SeQUeNCe's protocol timing (``--sequence-timing``) to check that the
   rates and fidelities agree within statistical error;
2. a long chain, N = 257, to 1,000 delivered pairs: SimQN against qfab (SeQUeNCe would take
   hours);
3. wall time per pair as the simulated time grows from 0.1 s to 2 s (N = 9).

For every scenario and seed the simulators run one after the other (alternating, so that
machine load hits them alike), each in its own process under ``/usr/bin/time -v`` for the
peak memory. Writes the raw JSON lines to ``bench/results/peers-raw.jsonl`` and the tables
to ``bench/results/peers.md``.

Usage: python bench/bench_peers.py --peers-python PATH [--reps 3] [--sim-s 0.1] [--quick]
(``make bench-peers`` creates the peers' environment and runs this.)
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEERS = HERE.parents[1] / "shared" / "peers"  # shared/ sits beside the checkout
RESULTS = HERE / "results"
QFAB_PEER = str(HERE / "peers" / "qfab_peer.py")

#: (label, number of routers, km between routers) of the peers' scenarios
SCENARIOS: list[tuple[str, int, float]] = [
    ("S1 link 1 km", 2, 1.0),
    ("S1 link 10 km", 2, 10.0),
    ("S1 link 50 km", 2, 50.0),
    ("S2 chain N=9", 9, 10.0),
    ("S2 chain N=17", 17, 10.0),
    ("S2 chain N=33", 33, 10.0),
]
QUICK_SCENARIOS = ("S1 link 10 km", "S2 chain N=9")
LONG_CHAIN = 257
LONG_CHAIN_PAIRS = 1000
#: SimQN makes 1,000 pairs per simulated second; a little more gives it its 1,000 pairs
LONG_CHAIN_SIMQN_S = 1.05
GROWTH_NODES = 9
GROWTH_SIM_S = [0.1, 0.25, 0.5, 1.0, 2.0]
#: SeQUeNCe's cost per pair grows with simulated time: its longest runs are left out
GROWTH_SEQUENCE_MAX_S = 0.5
#: seeds per point for the cheap simulators (SeQUeNCe: --reps), against machine noise
GROWTH_SEEDS = 5

Rows = list[dict[str, Any]]


def commands(peers_python: str, nodes: int, sim_s: float, *, hop_km: float = 10.0,
             long_chain: bool = False) -> list[tuple[str, list[str]]]:
    """The command line of every simulator for one scenario."""
    chain = nodes > 2
    peer_args = (["--nodes", str(nodes)] if chain else []) + ["--hop-km", str(hop_km)]
    common = ["--sim-s", str(sim_s)]
    qfab = [sys.executable, QFAB_PEER, "--nodes", str(nodes), "--hop-km", str(hop_km)]
    if long_chain:
        return [
            ("simqn", [peers_python, str(PEERS / "qns_chain.py"), *peer_args,
                       "--sim-s", str(LONG_CHAIN_SIMQN_S)]),
            ("qfab-des", [*qfab, "--engine", "des", "--pairs", str(LONG_CHAIN_PAIRS)]),
            ("qfab-fast", [*qfab, "--engine", "fast", "--pairs", str(LONG_CHAIN_PAIRS)]),
        ]
    runs = [
        ("sequence", [peers_python, str(PEERS / ("seq_chain.py" if chain else "seq_link.py")),
                      *peer_args, *common]),
        ("simqn", [peers_python, str(PEERS / ("qns_chain.py" if chain else "qns_link.py")),
                   *peer_args, *common]),
        ("qfab-des", [*qfab, "--engine", "des", *common]),
        ("qfab-fast", [*qfab, "--engine", "fast", *common]),
        ("qfab-des, SeQUeNCe timing", [*qfab, "--engine", "des", "--sequence-timing", *common]),
    ]
    if not chain:  # on chains SeQUeNCe's swapping needs the event simulation
        runs.append(("qfab-fast, SeQUeNCe timing", [*qfab, "--engine", "fast",
                                                    "--sequence-timing", *common]))
    return runs


def run_one(name: str, command: list[str], seed: int) -> dict[str, Any]:
    """Run one simulator once; its JSON line plus the process's peak memory."""
    with tempfile.NamedTemporaryFile("r") as timing:
        done = subprocess.run(["/usr/bin/time", "-v", "-o", timing.name, *command,
                               "--seed", str(seed)], capture_output=True, text=True,
                              cwd=PEERS, check=False)
        lines = timing.read().splitlines()
    rss = next((line.split()[-1] for line in lines if "Maximum resident set size" in line), None)
    if done.returncode != 0 or not done.stdout.strip():
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"simulator": name, "seed": seed, "failed": reason[:200]}
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    row.update(simulator=name, seed=seed, peak_rss_mb=int(rss) / 1024 if rss else None)
    row.pop("params", None)
    # wall time to the result: building the network plus running it (import excluded)
    build = row.get("wall_build_s") or 0.0
    row["wall_build_run_s"] = build + row.get("wall_run_s", 0.0)
    return row


def median(rows: Rows, key: str) -> float | None:
    values = [row[key] for row in rows if row.get(key) is not None]
    return statistics.median(values) if values else None


def show(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def rate_and_error(rows: Rows) -> tuple[float, float] | None:
    """Pairs per simulated second over all seeds, with its Poisson standard error."""
    pairs = sum(row["pairs"] * row.get("runs", 1) for row in rows)
    seconds = sum(row["sim_window_s"] * row.get("runs", 1) for row in rows)
    if not seconds:
        return None
    return pairs / seconds, math.sqrt(pairs) / seconds


def fidelity_and_error(rows: Rows) -> tuple[float, float] | None:
    """Mean fidelity over seeds, with its standard error: from each run's own error where
    the simulator reports one (qfab), else from the seeds' spread (the peers)."""
    values = [row["fidelity_mean"] for row in rows if row.get("fidelity_mean") is not None]
    errors = [row.get("fidelity_se") for row in rows if row.get("fidelity_mean") is not None]
    if values and all(error is not None for error in errors):
        return statistics.fmean(values), math.sqrt(sum(e * e for e in errors)) / len(values)
    if len(values) < 2:
        return None
    return statistics.fmean(values), statistics.stdev(values) / math.sqrt(len(values))


def z_score(a: tuple[float, float] | None, b: tuple[float, float] | None) -> str:
    if a is None or b is None:
        return "-"
    difference = a[0] - b[0]
    if abs(difference) <= 1e-9 * abs(b[0]):
        return "0 (equal to 1e-9)"  # the same number, up to rounding
    error = math.hypot(a[1], b[1])
    if error <= 1e-12 * abs(b[0]):
        return "- (no spread)"  # every pair the same: the values differ exactly
    return f"{difference / error:+.1f}"


def main_table(results: dict[str, dict[str, Rows]]) -> list[str]:
    lines = [
        "| scenario | simulator | wall ms / pair | events / s | peak MB | pairs / sim s | "
        "fidelity | ms/pair vs SeQUeNCe | ms/pair vs SimQN |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, by_simulator in results.items():
        reference = {name: median(rows, "wall_per_pair_ms")
                     for name, rows in by_simulator.items()}
        for name, rows in by_simulator.items():
            ok = ok_rows(rows)
            if not ok:
                lines.append(f"| {label} | {name} | failed: {failure(rows)} | | | | | | |")
                continue
            wall = median(ok, "wall_per_pair_ms")
            ratio = ratio_to(wall, reference)
            lines.append(
                f"| {label} | {name} | {show(wall)} | {show(median(ok, 'events_per_wall_s'))} | "
                f"{show(median(ok, 'peak_rss_mb'))} | {show(median(ok, 'pair_rate_per_sim_s'))} | "
                f"{show(median(ok, 'fidelity_mean'), 4)} | {ratio('sequence')} | "
                f"{ratio('simqn')} |")
    return lines


def agreement_table(results: dict[str, dict[str, Rows]]) -> list[str]:
    """qfab with SeQUeNCe's timing against SeQUeNCe: differences in standard errors."""
    lines = [
        "| scenario | simulator | pairs / sim s (all seeds) | z vs SeQUeNCe | "
        "fidelity (mean of seeds) | z vs SeQUeNCe |",
        "|---|---|---|---|---|---|",
    ]
    for label, by_simulator in results.items():
        reference = ok_rows(by_simulator.get("sequence", []))
        rate_ref, fid_ref = rate_and_error(reference), fidelity_and_error(reference)
        for name in ("sequence", "qfab-des, SeQUeNCe timing", "qfab-fast, SeQUeNCe timing"):
            ok = ok_rows(by_simulator.get(name, []))
            if not ok:
                continue
            rate, fidelity = rate_and_error(ok), fidelity_and_error(ok)
            lines.append(
                f"| {label} | {name} | {pm(rate, 4)} | "
                f"{'' if name == 'sequence' else z_score(rate, rate_ref)} | {pm(fidelity, 4)} | "
                f"{'' if name == 'sequence' else z_score(fidelity, fid_ref)} |")
    return lines


def fast_agreement_table(results: dict[str, dict[str, Rows]]) -> list[str]:
    """qfab's fast engine against its event simulation on the same physics."""
    lines = [
        "| scenario | timing | des pairs / sim s | fast pairs / sim s | z | des fidelity | "
        "fast fidelity | z |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, by_simulator in results.items():
        for timing, suffix in (("qfab", ""), ("SeQUeNCe", ", SeQUeNCe timing")):
            des = ok_rows(by_simulator.get(f"qfab-des{suffix}", []))
            fast = ok_rows(by_simulator.get(f"qfab-fast{suffix}", []))
            if not des or not fast:
                continue
            rates = rate_and_error(des), rate_and_error(fast)
            fidelities = fidelity_and_error(des), fidelity_and_error(fast)
            lines.append(f"| {label} | {timing} | {pm(rates[0], 4)} | {pm(rates[1], 4)} | "
                         f"{z_score(*rates)} | {pm(fidelities[0], 4)} | "
                         f"{pm(fidelities[1], 4)} | {z_score(*fidelities)} |")
    return lines


def long_chain_table(rows_by_simulator: dict[str, Rows]) -> list[str]:
    lines = [
        "| simulator | pairs | wall s to the pairs (build + run) | wall ms / pair | "
        "vs SimQN | peak MB | fidelity |",
        "|---|---|---|---|---|---|---|",
    ]
    simqn = median(ok_rows(rows_by_simulator.get("simqn", [])), "wall_build_run_s")
    simqn_pairs = median(ok_rows(rows_by_simulator.get("simqn", [])), "pairs")
    for name, rows in rows_by_simulator.items():
        ok = ok_rows(rows)
        if not ok:
            lines.append(f"| {name} | failed: {failure(rows)} | | | | | |")
            continue
        wall, pairs = median(ok, "wall_build_run_s"), median(ok, "pairs")
        runs = ok[0].get("runs", 1)
        per_pair = 1e3 * wall / (pairs * runs) if wall and pairs else None
        versus = (f"{(per_pair / (1e3 * simqn / simqn_pairs)):.3g}"
                  if per_pair and simqn and simqn_pairs else "-")
        lines.append(f"| {name} | {show(pairs, 4)}{f' x {runs} runs' if runs > 1 else ''} | "
                     f"{show(wall)} | {show(per_pair)} | {versus} | "
                     f"{show(median(ok, 'peak_rss_mb'))} | "
                     f"{show(median(ok, 'fidelity_mean'), 4)} |")
    return lines


def growth_table(rows_by_simulator: dict[str, Rows]) -> list[str]:
    lines = [
        "| simulator | " + " | ".join(f"{t} s" for t in GROWTH_SIM_S) +
        " | longest / shortest |",
        "|---|" + "---|" * (len(GROWTH_SIM_S) + 1),
    ]
    for name, rows in rows_by_simulator.items():
        by_time = {t: median([row for row in ok_rows(rows) if row["sim_window_s"] == t],
                             "wall_per_pair_ms") for t in GROWTH_SIM_S}
        cells = [show(by_time.get(t)) for t in GROWTH_SIM_S]
        measured = [by_time[t] for t in GROWTH_SIM_S if by_time.get(t) is not None]
        first, last = (measured[0], measured[-1]) if measured else (None, None)
        lines.append(f"| {name} | " + " | ".join(cells) +
                     f" | {show(last / first) if first and last else '-'} |")
    return lines


def ok_rows(rows: Rows) -> Rows:
    return [row for row in rows if not row.get("failed")]


def failure(rows: Rows) -> str:
    return str(rows[0].get("failed", "no result")) if rows else "not run"


def ratio_to(wall: float | None, reference: dict[str, float | None]) -> Callable[[str], str]:
    def ratio(other: str) -> str:
        base = reference.get(other)
        return f"{wall / base:.3g}" if wall and base else "-"
    return ratio


def pm(value: tuple[float, float] | None, digits: int) -> str:
    return "-" if value is None else f"{value[0]:.{digits}g} ± {value[1]:.2g}"


def report(results: dict[str, dict[str, Rows]], long_chain: dict[str, Rows],
           growth: dict[str, Rows], sim_s: float, reps: int) -> str:
    lines = [
        "# qfab against SeQUeNCe and SimQN",
        "",
        "Written by `make bench-peers` (`bench/bench_peers.py`) on one 2-core machine, every "
        "figure from the same run; runs alternate between simulators. Wall time is the "
        "simulation run as each script reports it (import excluded; qfab's includes building "
        "and planning the network); peak memory is the whole process. The fast engine "
        "samples `fast.shots` (200) independent runs at once: its wall time per pair divides "
        "by every sampled pair, and its rate and fidelity are medians over the runs.",
        "",
        f"## The peers' scenarios ({reps} seeds, {sim_s} s simulated, medians)",
        "",
        *main_table(results),
        "",
        "## Agreement with SeQUeNCe",
        "",
        "qfab with SeQUeNCe's protocol timing (`qfab_peer.py --sequence-timing`, see below) "
        "against SeQUeNCe. Rates are pooled over the seeds with their Poisson error; "
        "fidelities are means over seeds, with the error from each run's own (qfab) or from "
        "the seeds' spread (SeQUeNCe); z is the difference in combined standard errors. "
        "SeQUeNCe's S1 fidelity is a label (see below), hence no z there.",
        "",
        *agreement_table(results),
        "",
        "qfab's fast engine against its event simulation, same scenarios and seeds:",
        "",
        *fast_agreement_table(results),
        "",
        f"## Long chain: N = {LONG_CHAIN} to {LONG_CHAIN_PAIRS:,} pairs ({reps} seeds, medians)",
        "",
        "SimQN runs its fixed 1,000 pairs per simulated second for "
        f"{LONG_CHAIN_SIMQN_S} s; qfab runs until {LONG_CHAIN_PAIRS:,} pairs are delivered. "
        "Wall time here includes building the network, since SimQN's build grows as N². "
        "SeQUeNCe is left out: at its N = 33 cost growth it would need hours.",
        "",
        *long_chain_table(long_chain),
        "",
        f"## Wall ms per pair as simulated time grows (N = {GROWTH_NODES}, medians)",
        "",
        f"{max(reps, GROWTH_SEEDS)} seeds per point ({reps} for SeQUeNCe, which runs up to "
        f"{GROWTH_SEQUENCE_MAX_S} s only). qfab's figure at 0.1 s includes planning the "
        "network once.",
        "",
        *growth_table(growth),
        "",
        STATUS,
    ]
    return "\n".join(lines) + "\n"


STATUS = (HERE / "peers" / "physics.md").read_text() if (HERE / "peers" / "physics.md").exists() \
    else ""


PARTS = ("main", "long", "growth")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers-python", required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sim-s", type=float, default=0.1)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS),
                        help="run only these parts; the others' rows are kept from the last "
                        "run's JSON lines")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite peers.md from the JSON lines of the last run")
    parser.add_argument("--quick", action="store_true",
                        help="S1 and N = 9 only, one seed, no long chain, growth to 0.5 s")
    args = parser.parse_args()
    reps = 1 if args.quick else args.reps
    scenarios = [scenario for scenario in SCENARIOS
                 if not args.quick or scenario[0] in QUICK_SCENARIOS]
    parts = [] if args.report_only else [p for p in args.parts
                                         if not (args.quick and p == "long")]
    RESULTS.mkdir(exist_ok=True)
    raw_path = RESULTS / "peers-raw.jsonl"
    kept = [] if set(parts) == set(PARTS) or not raw_path.exists() else [
        row for row in map(json.loads, raw_path.open()) if row["part"] not in parts]
    rows: Rows = list(kept)
    with raw_path.open("w") as raw:
        for row in kept:
            raw.write(json.dumps(row) + "\n")

        def record(part: str, label: str, name: str, command: list[str], seed: int) -> None:
            row = run_one(name, command, seed)
            row.update(part=part, scenario_label=label)
            raw.write(json.dumps(row) + "\n")
            raw.flush()
            rows.append(row)
            print(f"{label:22s} seed {seed} {name:28s} "
                  f"{row.get('wall_per_pair_ms', row.get('failed'))}", flush=True)

        if "main" in parts:
            for label, nodes, hop_km in scenarios:
                for seed in range(reps):
                    for name, command in commands(args.peers_python, nodes, args.sim_s,
                                                  hop_km=hop_km):
                        record("main", label, name, command, seed)
        if "long" in parts:
            for seed in range(reps):
                for name, command in commands(args.peers_python, LONG_CHAIN, 0.0,
                                              long_chain=True):
                    record("long", f"S2 chain N={LONG_CHAIN}", name, command, seed)
        if "growth" in parts:
            # seeds outermost: a spell of machine load then hits every simulated time alike
            for seed in range(max(reps, GROWTH_SEEDS)):
                for sim_s in GROWTH_SIM_S:
                    if args.quick and sim_s > GROWTH_SEQUENCE_MAX_S:
                        continue
                    for name, command in commands(args.peers_python, GROWTH_NODES,
                                                  sim_s)[:3]:
                        if name == "sequence" and (sim_s > GROWTH_SEQUENCE_MAX_S
                                                   or seed >= reps):
                            continue
                        record("growth", f"N={GROWTH_NODES} {sim_s} s", name, command, seed)
    if not rows:
        raise SystemExit(f"no results in {raw_path}")
    results: dict[str, dict[str, Rows]] = defaultdict(lambda: defaultdict(list))
    long_chain: dict[str, Rows] = defaultdict(list)
    growth: dict[str, Rows] = defaultdict(list)
    for row in rows:
        target = {"main": results[row["scenario_label"]], "long": long_chain,
                  "growth": growth}[row["part"]]
        target[row["simulator"]].append(row)
    reps = max(row["seed"] for row in rows if row["part"] == "main") + 1 if results else reps
    text = report(results, long_chain, growth, args.sim_s, reps)
    (RESULTS / "peers.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
