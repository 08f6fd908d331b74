"""Fuzz the command line: mutations of every example through validate, run and estimate.

    python bench/fuzz.py --cases 10000            # the table of outcomes
    python bench/fuzz.py --cases 500 --families encoding,deep-nesting --show 5

Cases are every mutation of every example that validates (``qfab.testing.mutations``), then
``stacked`` mutations (several at once) and valid scenarios drawn from the hypothesis
strategies (``generated``) until ``--cases`` is reached; above that, a seeded sample. Each
case runs ``validate``, ``run`` and ``estimate`` (``qfab.testing.runner``) in worker processes
with a wall-time bound per command. Prints the outcomes per command and category, per family,
and the first few cases of each bad category. Exits 1 if any bad outcome was seen.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import time
from pathlib import Path

from qfab.testing.mutations import FAMILIES, Case, dump, example_files, mutate, stacked
from qfab.testing.runner import BAD, COMMANDS, FuzzPool, Outcome, cpu_workers

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ("ok", "stalled", "clean-error", "usage-error", *BAD)


def _valid_examples() -> tuple[list[tuple[str, bytes]], list[str]]:
    from qfab.errors import QfabError
    from qfab.loading import load_scenario

    valid, skipped = [], []
    for path in example_files(ROOT / "examples"):
        try:
            load_scenario(path)
        except QfabError as error:
            skipped.append(f"{path.relative_to(ROOT)} ({error})")
            continue
        valid.append((path.stem, path.read_bytes()))
    return valid, skipped


def _generated(count: int, seed: int) -> list[Case]:
    """Valid scenarios from the strategies (expected to run)."""
    if count <= 0:
        return []
    from hypothesis import HealthCheck, given, settings

    from qfab.testing.strategies import scenarios

    documents: list[object] = []

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(scenarios())
    def collect(document: object) -> None:
        documents.append(document)

    del seed  # derandomize: the same documents every time
    collect()
    return [Case("generated", "strategies", f"#{i}", dump(d), False)
            for i, d in enumerate(documents[:count])]


def build_cases(total: int, families: tuple[str, ...], seed: int) -> tuple[list[Case], list[str]]:
    examples, skipped = _valid_examples()
    cases = [c for name, text in examples for c in mutate(name, text, families)]
    rng = random.Random(seed)
    if len(cases) > total:
        cases = rng.sample(cases, total)
    missing = total - len(cases)
    if missing > 0 and "generated" in families:
        cases += _generated(min(missing // 4, 500), seed)
        missing = total - len(cases)
    if missing > 0 and "stacked" in families:
        share = -(-missing // len(examples))
        extra = [c for name, text in examples for c in stacked(name, text, share, seed)]
        cases += extra[:missing]
    return cases, skipped


def _table(outcomes: list[Outcome], key: str) -> str:
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for outcome in outcomes:
        counts[getattr(outcome, key) if key == "command" else outcome.case.family][
            outcome.category] += 1
    columns = [c for c in CATEGORIES if any(row[c] for row in counts.values())]
    header = [key, *columns, "total"]
    rows = [[name, *(str(row[c]) for c in columns), str(sum(row.values()))]
            for name, row in sorted(counts.items())]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in
                        enumerate(zip(row, widths))) for row in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--families", default=",".join((*FAMILIES, "generated")),
                        help="comma-separated families (default: all)")
    parser.add_argument("--commands", default=",".join(COMMANDS))
    parser.add_argument("--workers", type=int, default=cpu_workers())
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per command")
    parser.add_argument("--memory-mb", type=int, default=4096, help="per worker")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=3, help="examples per bad category")
    parser.add_argument("--json", type=Path, help="also write every bad outcome here")
    args = parser.parse_args()

    families = tuple(args.families.split(","))
    commands = tuple(args.commands.split(","))
    started = time.perf_counter()
    cases, skipped = build_cases(args.cases, families, args.seed)
    for note in skipped:
        print(f"skipped example: {note}", file=sys.stderr)
    jobs = [(case, command) for case in cases for command in commands]
    outcomes: list[Outcome] = []
    with FuzzPool(args.workers, args.timeout, args.memory_mb) as pool:
        for index, outcome in enumerate(pool.run(jobs), 1):
            outcomes.append(outcome)
            if index % 3000 == 0:
                print(f"  {index}/{len(jobs)} commands, {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)
    wall = time.perf_counter() - started
    print(f"{len(cases)} cases x {len(commands)} commands = {len(jobs)} runs in {wall:.0f} s "
          f"({args.workers} workers, bound {args.timeout:g} s per command)\n")
    print(_table(outcomes, "command"))
    print()
    print(_table(outcomes, "family"))
    bad = [o for o in outcomes if o.category in BAD]
    for category in BAD:
        chosen = [o for o in bad if o.category == category]
        if chosen:
            print(f"\n{category} ({len(chosen)}):")
            seen: set[str] = set()
            shown = 0
            for outcome in sorted(chosen, key=lambda o: o.case.name):
                key = f"{outcome.case.family}: {outcome.message}"
                if key in seen:
                    continue  # one example per family and message
                seen.add(key)
                print(f"  {outcome.command} {outcome.case.name}\n    {outcome.message[:300]}")
                shown += 1
                if shown >= args.show:
                    break
    if args.json is not None:
        args.json.write_text(json.dumps([
            {"case": o.case.name, "family": o.case.family, "command": o.command,
             "category": o.category, "exit": o.exit_status, "message": o.message}
            for o in bad], indent=1) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
