"""Mutations of scenario files: each family breaks a valid scenario in one way.

A :class:`Case` is the bytes of a scenario file plus how to call the command line on it, and
what it should do: ``expect_invalid`` is ``True`` when every command must refuse it (a
deleted required key, an unknown key, a wrong type, a bad unit), ``None`` when either a clean
refusal or a correct run is acceptable (an infinite duration, a huge size). Families:

``delete-key``, ``null-value``, ``wrong-type``, ``non-finite``, ``huge-number``, ``negative``,
``bad-unit``, ``unknown-key``, ``bool-as-int``, ``duplicate-key``, ``encoding``,
``deep-nesting``, ``huge-size``, ``late-start``, ``sweep-values``, ``plan-checks``,
``out-target``, ``broken-pipe``, ``cli-options``, ``stacked`` (two to four mutations of one
document together).

Everything here is deterministic: the same scenario gives the same cases in the same order.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from qfab.spec.sweep import quantity_to_si

__all__ = ["Case", "FAMILIES", "dump", "mutate", "stacked", "example_files", "leaves"]

OutMode = Literal["fresh", "file", "unwritable"]
StdoutMode = Literal["capture", "broken"]


@dataclass(frozen=True)
class Case:
    """One fuzz case: a scenario file and how to call the command line on it.

    Attributes
    ----------
    family
        The mutation family (``delete-key``, ...).
    source
        Name of the scenario it was made from.
    detail
        What was changed, e.g. ``links[0].fidelity -> .nan``.
    data
        The file's bytes, or ``None`` when they are ``document`` written as YAML (written when
        needed: see :meth:`file_bytes`).
    expect_invalid
        ``True`` if every command must refuse it; ``None`` if a clean refusal and a correct
        run are both acceptable; ``False`` for a valid scenario.
    options
        Extra command-line options for ``run`` and ``estimate``.
    out
        Where ``--out`` points: a fresh folder, an existing file, or a folder that cannot be
        created.
    stdout
        ``broken``: writing to stdout raises :class:`BrokenPipeError` (``qfab run X | head``).
    document
        The mutated document, for a case whose ``data`` is ``None``.
    """

    family: str
    source: str
    detail: str
    data: bytes | None
    expect_invalid: bool | None
    options: tuple[str, ...] = ()
    out: OutMode = "fresh"
    stdout: StdoutMode = "capture"
    document: Any = field(default=None, compare=False, repr=False)

    def file_bytes(self) -> bytes:
        """The scenario file's contents."""
        return self.data if self.data is not None else dump(self.document)

    @property
    def name(self) -> str:
        """``family:source:detail``, unique within one generation."""
        return f"{self.family}:{self.source}:{self.detail}"


Path_ = tuple[str | int, ...]


def dump(document: Any) -> bytes:
    """A document as YAML bytes (block style, keys in their order)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(document, Dumper=dumper, sort_keys=False,
                     allow_unicode=True).encode("utf-8")


def example_files(root: Path) -> list[Path]:
    """Every scenario file under ``root`` (``*.yaml``, sorted)."""
    return sorted(root.rglob("*.yaml"))


def render(path: Path_) -> str:
    """A path as the scenario format writes it: ``links[0].fidelity``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def leaves(document: Any, prefix: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) in a document, containers before their contents."""
    if isinstance(document, dict):
        for key, value in document.items():
            path = (*prefix, str(key))
            yield path, value
            yield from leaves(value, path)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            path = (*prefix, index)
            yield path, value
            yield from leaves(value, path)


def _get(document: Any, path: Path_) -> Any:
    for part in path:
        document = document[part]
    return document


def _spine(document: Any, path: Path_) -> tuple[Any, Any]:
    """A copy of ``document`` sharing everything but the containers along ``path``; returns
    the copy and its container at ``path``."""
    root = copy.copy(document)
    node = root
    for part in path:
        child = copy.copy(node[part])
        node[part] = child
        node = child
    return root, node


def _replaced(document: Any, path: Path_, value: Any) -> Any:
    new, parent = _spine(document, path[:-1])
    parent[path[-1]] = value
    return new


def _deleted(document: Any, path: Path_) -> Any:
    new, parent = _spine(document, path[:-1])
    del parent[path[-1]]
    return new


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_quantity_text(value: Any) -> bool:
    return isinstance(value, str) and quantity_to_si(value) is not None


def _key(path: Path_) -> str:
    named = [part for part in path if isinstance(part, str)]
    return named[-1] if named else ""


#: Keys whose value may be null (the field is optional and null is its default).
OPTIONAL_KEYS = frozenset({
    "cutoff", "min_fidelity", "deadline", "tier", "availability", "per_link", "topology",
    "sweep", "purification_rounds", "target_rel_error", "format", "stop", "among", "name",
    "interface", "conversion", "transducer", "wavelength", "input_wavelength",
    "output_wavelength", "bandwidth", "classical", "encoding", "launch_end", "on_demand",
    "comb_spacing", "echo_time", "optical_depth", "finesse", "dark_count_probability",
    "beam_wander", "sky_radiance", "location", "switch", "finite_key", "relay", "decoys"})

#: Keys that take negative numbers: any integer (priorities), and signed angles (a longitude
#: west of Greenwich, a latitude south of the equator).
SIGNED_KEYS = frozenset({"priority", "longitude", "latitude"})

#: Logarithmic units whose negative values are valid quantities (-1 dBm is 0.79 mW).
LOG_UNITS = frozenset({"dBm"})

_REQUIRED_ALWAYS = frozenset({"between", "pairs", "period", "up", "linspace", "logspace"})
_REQUIRED_BY_KIND = {
    "depolarizing": frozenset({"fidelity", "success_probability", "cycle_time"}),
    "single_click": frozenset({"bright_state"}),
}


def _required(document: Any, path: Path_) -> bool | None:
    """Whether deleting ``path`` must make the scenario invalid (``None``: not known)."""
    key, parent = _key(path), _get(document, path[:-1])
    where = render(path[:-1])
    if path == ("qfab",):
        return True
    if path in {("nodes",), ("links",)}:
        return True if "topology" not in document else None
    if path == ("topology",):
        return True if "nodes" not in document else None
    if len(path) == 2 and path[0] == "nodes":
        return True  # the links name it
    if where.startswith("topology") and where.count(".") == 0 and key in {
            "kind", "nodes", "spacing", "link", "rows", "cols", "leaves"}:
        return True
    if where.startswith("arrivals[") and where.count(".") == 0:
        return True if key in {"process", "rate", "pairs"} else None  # 'between' has a default
    if key == "kind" and isinstance(parent, dict) and "preset" not in parent and (
            where.startswith(("links[", "requests[")) and where.count(".") == 0
            or where == "topology.link"):
        return True  # a link-level preset names its kind (chip_to_chip)
    if key == "kind" and parent.get("kind") == "depolarizing" and where.endswith("memory"):
        return True  # coherence_time belongs to the depolarizing kind only
    if key in _REQUIRED_BY_KIND.get(str(parent.get("kind", "")), frozenset()) and not \
            where.endswith("memory"):
        return True
    if key in _REQUIRED_ALWAYS and not where.startswith("sweep.parameters") or \
            key in {"linspace", "logspace", "values"}:
        return True
    return None


Mutation = tuple[str, Any, bool | None]  # (detail, new document, expect_invalid)


def _delete_key(document: Any) -> Iterator[Mutation]:
    for path, _ in leaves(document):
        if isinstance(path[-1], str):
            yield f"{render(path)} deleted", _deleted(document, path), _required(document, path)


def _null_value(document: Any) -> Iterator[Mutation]:
    for path, value in leaves(document):
        if value is not None:
            expect = None if _key(path) in OPTIONAL_KEYS and isinstance(path[-1], str) else True
            yield f"{render(path)} -> null", _replaced(document, path, None), expect


def _wrong_type(document: Any) -> Iterator[Mutation]:
    for path, value in leaves(document):
        if render(path) == "qfab":
            continue  # covered by the format version's own checks
        replacements: list[Any]
        if _is_number(value):
            replacements = ["abc", [1], {"a": 1}]
        elif isinstance(value, str):
            replacements = [[value], {"a": value}]
            if not _is_quantity_text(value):
                replacements.append(12345)
        elif isinstance(value, list):
            replacements = ["abc", 7]
        elif isinstance(value, dict):
            replacements = ["abc", [value]]
        else:
            continue
        for new in replacements:
            yield (f"{render(path)} -> {type(new).__name__}", _replaced(document, path, new),
                   True)


def _numeric(document: Any) -> Iterator[tuple[Path_, Any]]:
    for path, value in leaves(document):
        if (_is_number(value) or _is_quantity_text(value)) and render(path) != "qfab" \
                and _key(path) != "between" and path[0] != "sweep":
            yield path, value  # a sweep's values are the sweep-values family's


def _unit(value: Any) -> str:
    if isinstance(value, str):
        match = re.match(r"^\s*\S+\s*(\S*)\s*$", value)
        return f" {match.group(1)}" if match and match.group(1) else ""
    return ""


def _non_finite(document: Any) -> Iterator[Mutation]:
    for path, value in _numeric(document):
        is_int = isinstance(value, int)
        for new, expect in ((float("nan"), True), (float("inf"), True if is_int else None),
                            (float("-inf"), _key(path) not in SIGNED_KEYS or None),
                            (f"nan{_unit(value)}", True), (f"inf{_unit(value)}", is_int or None)):
            yield f"{render(path)} -> {new!r}", _replaced(document, path, new), expect


def _huge_number(document: Any) -> Iterator[Mutation]:
    for path, value in _numeric(document):
        unit = _unit(value)
        for new, expect in ((1.0e300, None), (10**400, None), (1.0e-300, None),
                            (-1.0e300, True if _key(path) not in SIGNED_KEYS else None),
                            (f"1e300{unit}", None), (f"1e-300{unit}", None)):
            yield f"{render(path)} -> {new!r:.40}", _replaced(document, path, new), expect


def _negative(document: Any) -> Iterator[Mutation]:
    for path, value in _numeric(document):
        if _key(path) in SIGNED_KEYS or _unit(value).strip() in LOG_UNITS:
            continue
        new = f"-1{_unit(value)}" if isinstance(value, str) else -1
        yield f"{render(path)} -> {new!r}", _replaced(document, path, new), True


#: Units of another dimension for each unit (a length written in seconds, ...).
_WRONG_UNITS = {"m": "s", "km": "Hz", "cm": "ms", "mm": "ns", "s": "km", "ms": "m",
                "us": "km", "ns": "m", "Hz": "s", "kHz": "m", "dB/km": "km", "dB/m": "s",
                "km/s": "km", "m/s": "s", "min": "m", "h": "m", "ps": "m", "MHz": "s",
                "GHz": "s", "um": "s", "nm": "s"}


def _bad_unit(document: Any) -> Iterator[Mutation]:
    for path, value in _numeric(document):
        unit = _unit(value).strip()
        number = str(value).split()[0] if isinstance(value, str) else repr(value)
        candidates = [f"{number} parsec", f"{unit} {number}".strip(), f"{number} {unit} {unit}"]
        if unit in _WRONG_UNITS:
            candidates.insert(0, f"{number} {_WRONG_UNITS[unit]}")
        if unit:
            candidates.append(f"{number} {unit.upper()}" if unit.upper() != unit else
                              f"{number} {unit.lower()}")
        for new in candidates:
            if quantity_to_si(new) is None or new.split()[-1] in _WRONG_UNITS and unit and \
                    new.split()[-1] != unit:
                yield f"{render(path)} -> {new!r}", _replaced(document, path, new), True


def _unknown_key(document: Any) -> Iterator[Mutation]:
    mappings: list[Path_] = [()] + [path for path, value in leaves(document)
                                    if isinstance(value, dict)]
    for path in mappings:
        for key in ("colour", "kind_", "Between"):
            target = _get(document, path)
            if key in target:
                continue
            new, mapping = _spine(document, path)
            mapping[key] = 1
            yield f"{render(path) or '<root>'}.{key} added", new, True


def _bool_as_int(document: Any) -> Iterator[Mutation]:
    for path, value in _numeric(document):
        if _is_number(value):
            for new in (True, False):
                yield f"{render(path)} -> {new}", _replaced(document, path, new), True


def _sections(document: Any) -> Iterator[tuple[Path_, str]]:
    for path, value in leaves(document):
        if isinstance(value, dict) and isinstance(path[-1], str):
            yield path, _key(path)


def _huge_size(document: Any) -> Iterator[Mutation]:
    sizes: dict[str, tuple[Any, ...]] = {
        "nodes": (10**5, 10**9, 10**30), "rows": (10**4, 10**15), "cols": (10**4,),
        "leaves": (10**6,), "qubits": (10**7, 10**12), "pairs": (10**9, 10**30),
        "buffer": (10**6,), "purification_rounds": (8,),
    }
    for path, _ in leaves(document):
        if _key(path) == "rate" and path[0] == "arrivals" and path[-1] == "rate":
            for rate in ("1e6 Hz", "1e12 Hz"):  # refused up front with the memory they need
                yield f"{render(path)} -> {rate}", _replaced(document, path, rate), None
    for path, value in leaves(document):
        if _key(path) in sizes and _is_number(value) and path[-1] == _key(path):
            for new in sizes[_key(path)]:
                yield f"{render(path)} -> {new}", _replaced(document, path, new), None
    for key, values in (("duration", ("1e9 s", "1e15 s")),):
        for new in values:
            yield f"{key} -> {new}", _replaced(document, (key,), new), None
    for path, _ in leaves(document):
        if _key(path) == "cycle_time" and path[-1] == "cycle_time":
            for new in (1.0e300, "1e300 s"):
                yield f"{render(path)} -> {new!r}", _replaced(document, path, new), None
    if not isinstance(document.get("fast", {}), dict):
        return
    for new in (10**9, 10**6):
        doc = copy.deepcopy(document)
        doc["fast"] = {**doc.get("fast", {}), "shots": new}
        yield f"fast.shots -> {new}", doc, None
    doc = copy.deepcopy(document)
    doc["fast"] = {**doc.get("fast", {}), "target_rel_error": 1e-9, "max_shots": 10**12}
    yield "fast.target_rel_error -> 1e-9", doc, None


def _late_start(document: Any) -> Iterator[Mutation]:
    requests = document.get("requests")
    for index, request in enumerate(requests if isinstance(requests, list) else []):
        if not isinstance(request, dict):
            continue
        for start in ("1e9 s", "inf"):
            doc = copy.deepcopy(document)
            doc["requests"][index]["start"] = start
            yield f"requests[{index}].start -> {start}", doc, None
    arrivals = document.get("arrivals")
    for index, process in enumerate(arrivals if isinstance(arrivals, list) else []):
        if not isinstance(process, dict):
            continue
        for start in ("1e9 s", "inf"):
            doc = copy.deepcopy(document)
            doc["arrivals"][index]["start"] = start
            yield f"arrivals[{index}].start -> {start}", doc, None


def _sweep_values(document: Any) -> Iterator[Mutation]:
    targets = [path for path, value in _numeric(document)
               if isinstance(value, str) and _unit(value)][:4]
    for path in targets:
        for spec in ({"values": ["-5 km"]}, {"values": ["abc"]}, {"linspace": ["1 s", "2 km", 3]},
                     {"values": [True]}):
            doc = copy.deepcopy(document)
            doc["sweep"] = {"parameters": {render(path): spec}}
            yield f"sweep.parameters.{render(path)} -> {spec}", doc, True
    for bad in ("links[99].length", "nodes.nobody.memory.t2", "policy.colour"):
        doc = copy.deepcopy(document)
        doc["sweep"] = {"parameters": {bad: {"values": [1, 2]}}}
        yield f"sweep.parameters.{bad}", doc, True


def _plan_checks(document: Any) -> Iterator[Mutation]:
    arrivals = document.get("arrivals")
    if isinstance(arrivals, list) and arrivals and all(isinstance(a, dict) for a in arrivals):
        doc = copy.deepcopy(document)
        for process in doc["arrivals"]:
            process["min_fidelity"] = 0.999999
        yield "arrivals[*].min_fidelity -> 0.999999 (unreachable)", doc, True
    requests = document.get("requests")
    if not isinstance(requests, list) or not all(isinstance(r, dict) for r in requests) \
            or not requests or not isinstance(document.get("policy", {}), dict):
        return
    doc = copy.deepcopy(document)
    doc["policy"] = {**doc.get("policy", {}), "purification": "bbpssw",
                     "purification_rounds": 8}
    yield "policy.purification_rounds -> 8 (qubits short)", doc, True
    doc = copy.deepcopy(document)
    for request in doc["requests"]:
        request["min_fidelity"] = 0.999999
    yield "requests[*].min_fidelity -> 0.999999 (unreachable)", doc, True


DocumentFamily = Callable[[Any], Iterator[Mutation]]

#: Families that change the parsed document (their results are written with :func:`dump`).
DOCUMENT_FAMILIES: dict[str, DocumentFamily] = {
    "delete-key": _delete_key,
    "null-value": _null_value,
    "wrong-type": _wrong_type,
    "non-finite": _non_finite,
    "huge-number": _huge_number,
    "negative": _negative,
    "bad-unit": _bad_unit,
    "unknown-key": _unknown_key,
    "bool-as-int": _bool_as_int,
    "huge-size": _huge_size,
    "late-start": _late_start,
    "sweep-values": _sweep_values,
    "plan-checks": _plan_checks,
}


def _duplicate_key(source: str, document: Any, text: bytes) -> Iterator[Case]:
    for key, value in document.items():
        if not isinstance(value, (dict, list)):
            other = 8 if key == "seed" else value
            extra = yaml.safe_dump({key: other}, allow_unicode=True).encode()
            yield Case("duplicate-key", source, f"{key} twice", text + b"\n" + extra, True)
    for section in ("policy", "nodes"):
        if section in document:
            extra = yaml.safe_dump({section: document[section]}, allow_unicode=True).encode()
            yield Case("duplicate-key", source, f"{section} twice", text + b"\n" + extra, True)


def _encoding(source: str, document: Any, text: bytes) -> Iterator[Case]:
    named = {**document, "name": "café ∞ qubits"}
    unicode_text = dump(named)
    yield Case("encoding", source, "latin-1", unicode_text.decode().encode("latin-1", "replace"),
               True)
    yield Case("encoding", source, "utf-16", unicode_text.decode().encode("utf-16"), None)
    yield Case("encoding", source, "utf-8 BOM", b"\xef\xbb\xbf" + text, None)
    yield Case("encoding", source, "invalid byte in a value",
               text.replace(b"qfab: 1", b"qfab: 1\nname: \xff\xfe", 1), True)
    yield Case("encoding", source, "invalid byte in a comment", b"# \xc3\x28\n" + text, True)
    yield Case("encoding", source, "NUL byte", text[: len(text) // 2] + b"\x00" +
               text[len(text) // 2:], True)
    yield Case("encoding", source, "truncated", text[: len(text) // 3], None)
    yield Case("encoding", source, "empty file", b"", True)
    yield Case("encoding", source, "binary", bytes(range(256)) * 4, True)
    yield Case("encoding", source, "tab indentation", text.replace(b"  ", b"\t"), None)


def _deep_nesting(source: str, document: Any, text: bytes) -> Iterator[Case]:
    del document
    for depth in (100, 1000, 5000, 50_000):
        yield Case("deep-nesting", source, f"list depth {depth}",
                   text + b"\ndeep: " + b"[" * depth + b"]" * depth + b"\n", True)
        yield Case("deep-nesting", source, f"mapping depth {depth}",
                   text + b"\ndeep: " + b"{a: " * depth + b"1" + b"}" * depth + b"\n", True)
    yield Case("deep-nesting", source, "alias bomb",
               text + b"\ndeep: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
                   b"d%d: &a%d [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n"
                   % ((i, i) + (b"a" if i == 0 else b"a%d" % (i - 1),) * 9)
                   for i in range(9)), True)


def _out_target(source: str, document: Any, text: bytes) -> Iterator[Case]:
    del document
    yield Case("out-target", source, "--out is an existing file", text, None, out="file")
    yield Case("out-target", source, "--out cannot be created", text, None, out="unwritable")


def _broken_pipe(source: str, document: Any, text: bytes) -> Iterator[Case]:
    del document
    yield Case("broken-pipe", source, "stdout closed", text, None, stdout="broken")
    yield Case("broken-pipe", source, "stdout closed, --json", text, None, ("--json",),
               stdout="broken")


def _cli_options(source: str, document: Any, text: bytes) -> Iterator[Case]:
    del document
    for options, expect in ((("--shots", "1000000000"), None), (("--shots", "-1"), True),
                            (("--shots", "abc"), True), (("--rel-error", "nan"), True),
                            (("--rel-error", "inf"), True), (("--rel-error", "1e-12"), None),
                            (("--seed", str(10**40)), None), (("--seed", "-1"), True),
                            *TRACE_OPTIONS):
        yield Case("cli-options", source, " ".join(options), text, expect, options)


#: Event-trace options, and whether every command must refuse them (``estimate`` always
#: does: the fast engine has no events to record); ``{dir}`` is the case's own folder (see
#: :func:`qfab.testing.runner.execute`).
TRACE_OPTIONS: tuple[tuple[tuple[str, ...], bool | None], ...] = (
    (("--trace", "{dir}/trace.jsonl"), None),
    (("--trace", "{dir}/trace.parquet", "--trace-limit", "100"), None),
    (("--trace", "{dir}"), True),
    (("--trace", "/proc/qfab-fuzz/trace.jsonl"), True),
    (("--trace-limit", "10"), True),
    (("--trace", "{dir}/trace.jsonl", "--trace-limit", "0"), True),
)


TextFamily = Callable[[str, Any, bytes], Iterator[Case]]

#: Families that work on the file's bytes or on the command line.
TEXT_FAMILIES: dict[str, TextFamily] = {
    "duplicate-key": _duplicate_key,
    "encoding": _encoding,
    "deep-nesting": _deep_nesting,
    "out-target": _out_target,
    "broken-pipe": _broken_pipe,
    "cli-options": _cli_options,
}

#: Every family, in the order :func:`mutate` produces them (``stacked`` comes from
#: :func:`stacked`).
FAMILIES: tuple[str, ...] = (*DOCUMENT_FAMILIES, *TEXT_FAMILIES, "stacked")


@dataclass
class _Counter:
    seen: set[str] = field(default_factory=set)

    def unique(self, case: Case) -> Case | None:
        if case.name in self.seen:
            return None
        self.seen.add(case.name)
        return case


def mutate(source: str, text: bytes, families: tuple[str, ...] = FAMILIES) -> list[Case]:
    """Every case of the given families for one scenario file (``stacked`` excluded).

    ``text`` must be a valid scenario; names are unique within the result.
    """
    document = yaml.safe_load(text)
    counter = _Counter()
    cases: list[Case] = []
    for name, family in DOCUMENT_FAMILIES.items():
        if name in families:
            for detail, new, expect in family(document):
                case = counter.unique(Case(name, source, detail, None, expect, document=new))
                if case is not None:
                    cases.append(case)
    for name, text_family in TEXT_FAMILIES.items():
        if name in families:
            cases += [c for c in text_family(source, document, text) if counter.unique(c)]
    return cases


def stacked(source: str, text: bytes, count: int, seed: int) -> list[Case]:
    """``count`` cases, each two to four document mutations of ``text`` applied in turn.

    Their outcome is not predicted (``expect_invalid`` is ``None``): a later mutation may
    remove what an earlier one broke.
    """
    rng = random.Random(f"{seed}:{source}")
    base = yaml.safe_load(text)
    names = sorted(DOCUMENT_FAMILIES)
    cases: list[Case] = []
    attempts = 0
    while len(cases) < count and attempts < 20 * count:
        attempts += 1
        document, details = base, []
        for _ in range(rng.randint(2, 4)):
            options = list(DOCUMENT_FAMILIES[rng.choice(names)](document))
            if not options:
                continue
            detail, document, _ = rng.choice(options)
            details.append(detail)
        cases.append(Case("stacked", source, f"#{len(cases)}: " + "; ".join(details),
                          None, None, document=document))
    return cases
