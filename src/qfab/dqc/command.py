"""``qfab partition CIRCUIT (--qpus K [--capacity N] | --scenario FILE) [--json] [--qasm PATH]``.

Places a circuit (an OpenQASM 2/3 file or a generator such as ``qft:32``) on K QPUs of
capacity N joined all-to-all, or on the QPUs of a scenario (its nodes with a ``qpu``
section, their ``qpu.qubits`` and the links between them), and prints the e-bit count and
the placement (with ``--json`` the JSON document of :func:`qfab.dqc.placement.to_json`, whose
``ebits`` and ``placement`` come first). ``--qasm PATH`` also writes the distributed circuit.
Bad input is one line on stderr and exit status 2 (:func:`qfab.cli.main`).
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qfab.argtypes import positive_int
from qfab.errors import QfabError

if TYPE_CHECKING:
    from qfab.spec.models import ScenarioSpec

__all__ = ["add_partition_command"]


def add_partition_command(commands: Any, load: Callable[[Path], ScenarioSpec]) -> None:
    """Add the ``partition`` subcommand to the parser's subcommands; ``load`` reads a
    scenario file (the command line's loader: only entry points load scenarios)."""
    parser = commands.add_parser(
        "partition", help="place a circuit's qubits on QPUs at the least e-bit cost",
        description="Partition a circuit over QPUs linked all-to-all: cat-entanglement "
                    "(Eisert et al. 2000) and teleportation costs, Mt-KaHyPar hypergraph "
                    "partitioning; prints the e-bits and the placement (docs/dqc.md).")
    parser.add_argument("circuit", help="OpenQASM 2/3 file, or a generator: qft:N, ghz:N, "
                                        "grover:N, random:N[:depth[:seed]]")
    parser.add_argument("--qpus", type=positive_int, metavar="K",
                        help="number of QPUs (linked all-to-all)")
    parser.add_argument("--capacity", type=positive_int, metavar="N",
                        help="data qubits per QPU (default: ceil(qubits / K))")
    parser.add_argument("--scenario", type=Path, metavar="FILE",
                        help="use the QPUs of a scenario instead: its nodes with a qpu "
                             "section, their qpu.qubits and the links between them")
    parser.add_argument("--json", action="store_true",
                        help="print the JSON document (placement, operations, e-bits per link)")
    parser.add_argument("--qasm", type=Path, metavar="PATH",
                        help="also write the distributed circuit (OpenQASM 2 with "
                             "cat_entangle, cat_disentangle and teleport) to PATH")
    parser.set_defaults(handler=functools.partial(_partition, load=load))


def _partition(args: argparse.Namespace, load: Callable[[Path], ScenarioSpec]) -> int:
    from qfab.dqc.circuits import load_circuit  # noqa: PLC0415 (start-up time)
    from qfab.dqc.partition import partition  # noqa: PLC0415
    from qfab.dqc.placement import to_json, to_qasm  # noqa: PLC0415

    names: tuple[str, ...] | None = None
    if args.scenario is not None:
        if args.qpus is not None or args.capacity is not None:
            raise QfabError("--scenario takes the QPUs, capacities and links from the "
                            "scenario; leave out --qpus and --capacity")
        from qfab.dqc.qpus import qpu_graph  # noqa: PLC0415

        graph = qpu_graph(load(args.scenario))
        names = graph.names
        circuit = load_circuit(args.circuit)
        result = partition(circuit, len(names), graph.capacities, graph.links)
    else:
        if args.qpus is None:
            raise QfabError("give --qpus K (with --capacity N) or --scenario FILE")
        circuit = load_circuit(args.circuit)
        result = partition(circuit, args.qpus, args.capacity)
    document = to_json(result, names)
    if args.qasm is not None:
        args.qasm.write_text(to_qasm(result, names), encoding="utf-8")
    if args.json:
        head = {"ebits": document["ebits"], "placement": document["placement"]}
        print(json.dumps({**head, **document}, indent=2))
    else:
        print(f"{circuit.name}: {circuit.num_qubits} qubits on {result.qpus} QPUs: "
              f"{result.ebits} e-bits ({result.method})")
        blocks: dict[str, list[str]] = {}
        for qubit, name in document["placement"].items():
            blocks.setdefault(name, []).append(qubit)
        for name in document["qpus"]:
            print(f"  {name}: {', '.join(blocks.get(name, [])) or '-'}")
        for link, count in document["ebits_per_link"].items():
            print(f"  e-bits {link}: {count}")
    return 0
