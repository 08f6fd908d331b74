"""Sweep tasks: one scenario point, one engine, one seed, named by a content hash.

A :class:`Task` holds the fully resolved point document (the sweep block removed, values
substituted, a ``topology`` section expanded into nodes and links, ``seed`` and ``engine``
set), so it runs the same anywhere, with no file to read. Its :attr:`Task.strong_id` hashes
everything that affects the result: the validated scenario, the engine, the seed and the
qfab version. Two tasks with the same id give the same result, which is what lets a store
skip work that is already done.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from qfab import __version__
from qfab.errors import EngineError, ScenarioError
from qfab.spec.paths import parse_path, set_path, unaliased
from qfab.spec.sweep import ParameterSpec, SweepSpec

__all__ = ["Task", "expand_tasks", "parse_override", "sweep_from_document", "strong_id"]

#: A ``--set`` override: ``"path=values"`` text, or a path and its values.
Overrides = Sequence[str] | Mapping[str, ParameterSpec | Sequence[Any] | Mapping[str, Any]]

if TYPE_CHECKING:
    from qfab.engines.base import Engine, Support
    from qfab.spec.models import ScenarioSpec

_Model = TypeVar("_Model", bound=BaseModel)

_FUNCTION = re.compile(r"^\s*(linspace|logspace)\s*\((.*)\)\s*$", re.DOTALL)
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class Task:
    """One run of a sweep.

    Attributes
    ----------
    document
        The resolved scenario document of the point (plain data; valid for
        :func:`qfab.spec.parse_scenario`).
    engine
        Engine name.
    seed
        Seed of the run.
    params
        Swept path -> the point's value as a table entry (quantities in SI units).
    strong_id
        Hex SHA-256 of the canonical JSON of the validated scenario, engine, seed and qfab
        version.
    unsupported
        Why the engine does not support this point (:func:`qfab.engines.supports`), or
        ``None`` when it does; a sweep does not run such a task.
    """

    document: dict[str, Any]
    engine: str
    seed: int
    params: dict[str, Any]
    strong_id: str = field(compare=False)
    unsupported: str | None = field(default=None, compare=False)

    def payload(self) -> dict[str, Any]:
        """The task as plain data (what executors send to workers)."""
        return {"document": self.document, "engine": self.engine, "seed": self.seed,
                "params": self.params, "strong_id": self.strong_id}


def strong_id(spec_json: Mapping[str, Any], *, engine: str, seed: int,
              version: str = __version__) -> str:
    """Content hash of a run: SHA-256 of canonical JSON (sorted keys, no spaces).

    Parameters
    ----------
    spec_json
        ``ScenarioSpec.model_dump(mode="json")`` of the validated scenario.
    engine, seed
        The run's engine and seed.
    version
        The qfab version (a new version may compute different numbers).
    """
    text = json.dumps({"spec": spec_json, "engine": engine, "seed": seed, "qfab": version},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def parse_override(text: str) -> tuple[str, ParameterSpec]:
    """Read a ``--set`` option: ``path=v1,v2,...``, ``path=linspace(a, b, n)`` or
    ``path=logspace(a, b, n)``.

    Values are read as YAML scalars (``1 km`` stays a string, ``0.5`` is a number, ``1e-3``
    too); endpoints of ``linspace`` and ``logspace`` may carry units.

    Raises
    ------
    ScenarioError
        Located at ``--set <path>``.

    Examples
    --------
    >>> parse_override("links[0].length=linspace(1 km, 3 km, 3)")[1].document_values()
    [1000.0, 2000.0, 3000.0]
    """
    path, sign, values = text.partition("=")
    path = path.strip()
    where = f"--set {path or text}"
    if not sign or not path or not values.strip():
        raise ScenarioError(where, f"expected PATH=VALUES, e.g. links[0].length=1 km,10 km, "
                            f"got {text!r}")
    try:
        parse_path(path)
    except ValueError as error:
        raise ScenarioError(where, str(error)) from None
    function = _FUNCTION.match(values)
    if function is not None:
        arguments = [_scalar(item) for item in _split(function.group(2))]
        if len(arguments) != 3:
            raise ScenarioError(where, f"{function.group(1)} takes (start, stop, num), "
                                f"got {len(arguments)} argument(s)")
        data: dict[str, Any] = {function.group(1): arguments}
    else:
        data = {"values": [_scalar(item) for item in _split(values)]}
    return path, _validated(ParameterSpec, data, where)


def sweep_from_document(document: Mapping[str, Any], overrides: Overrides = ()) -> SweepSpec:
    """The document's ``sweep`` block (if any) with ``--set`` overrides applied.

    An override replaces the parameter of the same path or adds a new one; a document without
    a ``sweep`` block gets one (``grid`` mode, one seed).
    """
    raw = document.get("sweep")
    sweep = SweepSpec() if raw is None else _validated(SweepSpec, raw, "sweep")
    if not overrides:
        return sweep
    parameters = dict(sweep.parameters)
    if isinstance(overrides, Mapping):
        for path, values in overrides.items():
            parameters[path] = values if isinstance(values, ParameterSpec) else \
                _validated(ParameterSpec, values, f"--set {path}")
    else:
        for text in overrides:
            path, spec = parse_override(text)
            parameters[path] = spec
    return _validated(SweepSpec, {"mode": sweep.mode, "parameters": parameters,
                                  "seeds": sweep.seeds}, "sweep")


def expand_tasks(document: Mapping[str, Any], *, base_dir: Path | None = None,
                 engine: str | None = None, seed: int | None = None,
                 overrides: Overrides = ()) -> list[Task]:
    """Expand a scenario document with a sweep into tasks, one per point and seed.

    Parameters
    ----------
    document
        The raw scenario document (plain data from YAML), with or without a ``sweep`` block.
    base_dir
        Folder of the scenario file (for a ``topology`` file).
    engine
        Engine for every task; defaults to each point's ``engine``.
    seed
        First seed; defaults to the scenario's ``seed``. Repeats use ``seed + 1``, ...
    overrides
        ``--set`` options (see :func:`parse_override`) replacing or adding parameters.

    Returns
    -------
    list of Task
        Points in sweep order (grid: the first parameter varies slowest), seeds innermost.
        Points that resolve to the same scenario appear once. Points the engine does not
        support carry the reason in :attr:`Task.unsupported`.

    Raises
    ------
    ScenarioError
        For a bad sweep block, a bad path (``sweep.parameters.<path>: ...``) or a point that
        is not a valid scenario.
    EngineError
        For an unknown engine, or a point no engine can serve (no plan exists).
    """
    from qfab.engines import ENGINES, engine_named
    from qfab.loading import parse_scenario
    from qfab.topology import expand_topology

    if not isinstance(document, Mapping):
        kind = "empty" if document is None else type(document).__name__
        raise ScenarioError("", f"a scenario must be a mapping of keys to values, got {kind}")
    sweep = sweep_from_document(document, overrides)
    base = {key: value for key, value in document.items() if key != "sweep"}
    if engine is not None and engine not in ENGINES:
        raise EngineError(f"engine: unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    creatable = _field_names()

    tasks: list[Task] = []
    seen: set[str] = set()
    for point in sweep.points():
        resolved = unaliased(base)  # an aliased mapping is swept at one path only
        for path, (value, _) in point.items():
            try:
                set_path(resolved, path, copy.deepcopy(value), creatable=creatable)
            except ValueError as error:
                raise ScenarioError(f"sweep.parameters.{path}", str(error)) from None
        if engine is not None:
            resolved["engine"] = engine
        try:
            resolved = expand_topology(resolved, base_dir=base_dir)
            resolved.pop("topology", None)
            spec = parse_scenario(resolved)
        except ScenarioError as error:
            raise _located(error, point) from None
        if spec.engine not in ENGINES:
            raise EngineError(f"engine: unknown engine {spec.engine!r} "
                              f"(choose from {', '.join(ENGINES)})")
        support = _support(engine_named(spec.engine), spec, point)
        first = spec.seed if seed is None else seed
        spec_json = spec.model_dump(mode="json")
        params = {path: column for path, (_, column) in point.items() if path != "engine"}
        for repeat in range(sweep.seeds):
            task_seed = first + repeat
            spec_json["seed"] = task_seed
            identity = strong_id(spec_json, engine=spec.engine, seed=task_seed)
            if identity in seen:
                continue
            seen.add(identity)
            tasks.append(Task(document={**resolved, "seed": task_seed, "engine": spec.engine},
                              engine=spec.engine, seed=task_seed, params=dict(params),
                              strong_id=identity, unsupported=support.reason))
    return tasks


def _support(engine: Engine, spec: ScenarioSpec,
             point: Mapping[str, tuple[Any, Any]]) -> Support:
    """Whether ``engine`` supports the point, naming the point if no plan exists for it."""
    from qfab.engines import supports

    try:
        return supports(spec, engine=engine.name)
    except EngineError as error:
        if not point:
            raise
        listed = ", ".join(f"{path}={value!r}" for path, (value, _) in point.items())
        raise EngineError(f"{error} (at sweep point {listed})") from None


def _located(error: ScenarioError, point: Mapping[str, tuple[Any, Any]]) -> ScenarioError:
    """Name the sweep parameter an invalid point comes from, or the point if none."""
    try:
        at = ".".join(str(s) for s in parse_path(error.path)) if error.path else ""
    except ValueError:
        at = ""
    for path, (value, _) in point.items():
        swept = ".".join(str(s) for s in parse_path(path))
        # the error lies on the swept path: at the value, inside it, or at a key it created
        if at and (at == swept or at.startswith(swept + ".") or swept.startswith(at + ".")):
            reason = error.reason
            unknown = re.match(r"unknown key ('[^']*')", reason)
            if unknown:  # a suggestion of the very key is no help
                reason = reason.replace(f"; did you mean {unknown.group(1)}?", "")
            return ScenarioError(f"sweep.parameters.{path}", f"{reason} (value {value!r})")
    if not point:
        return error
    listed = ", ".join(f"{path}={value!r}" for path, (value, _) in point.items())
    return ScenarioError(error.path, f"{error.reason} (at sweep point {listed})")


def _validated(model: type[_Model], data: Any, where: str) -> _Model:
    """Validate ``data`` as ``model``; errors become a :class:`ScenarioError` under ``where``."""
    from qfab.spec.loader import format_validation_error

    try:
        return model.model_validate(data)
    except ValidationError as error:
        located = format_validation_error(error, data, model)
        path = f"{where}.{located.path}" if located.path else where
        raise ScenarioError(path, located.reason) from None


def _split(text: str) -> list[str]:
    """Split on commas outside quotes and brackets."""
    items: list[str] = []
    depth, quote, current = 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        current += char
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def _scalar(text: str) -> Any:
    """A YAML scalar, with numbers in exponent form (``1e-3``) read as numbers."""
    if _NUMBER.match(text):
        number = float(text)
        return int(number) if re.fullmatch(r"[-+]?\d+", text) else number
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value


@functools.cache
def _field_names() -> frozenset[str]:
    """Every field name of the scenario models: keys a sweep may add to a document."""
    from qfab.spec.models import ScenarioSpec

    names: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        names.update(model.model_fields)
        for info in model.model_fields.values():
            for candidate in _models_in(info.annotation):
                visit(candidate)

    visit(ScenarioSpec)
    return frozenset(names)


def _models_in(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(argument)
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and hasattr(annotation, "__metadata__"):
        yield from _models_in(origin)
