"""Scenario documents: YAML -> plain data, and plain data -> a validated :class:`ScenarioSpec`.

Validation errors are reported as one line naming the YAML path of the offending field,
e.g. ``links[2].detector.efficiency: must be <= 1, got 1.3``. A document's ``topology``
section is expanded into nodes and links before validation by :mod:`qfab.topology`; the
whole pipeline (read, expand, validate) is :func:`qfab.loading.load_scenario`.
"""

from __future__ import annotations

import difflib
import functools
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from qfab.errors import ScenarioError
from qfab.spec.base import SHARED
from qfab.spec.models import DEFAULT_MEMORY_KIND, ScenarioSpec

__all__ = ["read_document", "parse_yaml", "MAX_DEPTH", "validate_scenario",
           "format_validation_error", "require_mapping", "scenario_field_names"]


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a scenario file as plain data, without validating its contents.

    The file must be UTF-8 YAML (or JSON), a mapping at the top, nested at most
    :data:`MAX_DEPTH` levels deep, and no mapping may repeat a key (YAML would keep the last
    value silently).

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not UTF-8 or not YAML, is nested too deeply, repeats
        a key (naming its path), or is not a mapping.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError("", f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ScenarioError("", f"{path}: not UTF-8 text (byte {error.object[error.start]:#04x} "
                            f"at offset {error.start}); save the file as UTF-8") from None
    return parse_yaml(text, source=str(path))


def parse_yaml(text: str, *, source: str = "<string>") -> dict[str, Any]:
    """Parse scenario text as plain data, with the checks of :func:`read_document`.

    Raises
    ------
    ScenarioError
        As :func:`read_document` does (``source`` names the text in messages).
    """
    try:  # the reader checks the characters as it is built (a NUL byte fails here)
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as error:
        problem = getattr(error, "reason", None) or str(error).splitlines()[0]
        raise ScenarioError("", f"{source}: not valid YAML: {problem}") from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(node)
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ScenarioError("", f"{source}: not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise ScenarioError("", f"{source}: nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()
    require_mapping(document)
    assert isinstance(document, dict)
    return document


#: Deepest nesting of mappings and lists a scenario document may have.
MAX_DEPTH = 64


def _check_nodes(root: yaml.Node) -> None:
    """Refuse documents nested deeper than :data:`MAX_DEPTH` and mappings with a repeated key.

    Walks the composed YAML nodes without recursion (so deep nesting cannot overflow the
    stack); each node is checked once, so aliases cannot make the walk loop.
    """
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", 0)]
    seen: set[int] = set()
    while stack:
        node, where, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise ScenarioError(where, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode):
            keys: set[Any] = set()
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    stack.append((value_node, where, depth + 1))
                    continue
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                child = f"{where}.{key}" if where else str(key)
                if key is not None and key in keys:
                    raise ScenarioError(child, f"duplicate key {key!r} (line "
                                        f"{key_node.start_mark.line + 1}); YAML would keep only "
                                        "the last value")
                keys.add(key)
                stack.append((value_node, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, f"{where}[{index}]", depth + 1))


def require_mapping(document: Any) -> None:
    """Raise a :class:`ScenarioError` unless ``document`` is a mapping."""
    if not isinstance(document, dict):
        kind = "empty" if document is None else type(document).__name__
        raise ScenarioError("", f"a scenario must be a mapping of keys to values, got {kind}")


def validate_scenario(document: Any, *,
                      model: type[ScenarioSpec] = ScenarioSpec) -> ScenarioSpec:
    """Validate a scenario given as plain data whose nodes and links are all written out.

    A ``topology`` section is validated as a section but not expanded here: its nodes and
    links must already be in the document (:func:`qfab.topology.expand_topology`).
    ``model`` is the scenario model to validate with (one that admits plugin kinds:
    :func:`qfab.spec.extend.extended_scenario_model`).

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first offending field.
    """
    require_mapping(document)
    try:
        # generated entries share their template's mappings: each is validated once
        return model.model_validate(document, context={SHARED: {}})
    except ValidationError as error:
        raise format_validation_error(error, document, model) from None


def format_validation_error(
    error: ValidationError, document: Any, model: type[BaseModel]
) -> ScenarioError:
    """Turn pydantic's first error into a :class:`ScenarioError` with a YAML path."""
    detail = error.errors()[0]
    if detail["type"] == "extra_forbidden":
        return ScenarioError(_yaml_path(detail["loc"], document),
                             _unknown_key(tuple(detail["loc"]), model))
    return ScenarioError(_yaml_path(detail["loc"], document), _reason(detail))


def _yaml_path(loc: tuple[Any, ...], document: Any) -> str:
    """Render pydantic's location as a YAML path, dropping union tags that are not keys."""
    path = ""
    node = document
    tagged: int | None = None  # the mapping whose union tag was dropped (at most once each)
    for part in loc:
        if isinstance(node, dict) and id(node) != tagged and node.get("kind") == part:
            tagged = id(node)  # the tag comes first, even where a key has its name
            continue
        if isinstance(part, int) and isinstance(node, list):
            path += f"[{part}]"
            node = node[part] if part < len(node) else None
        elif isinstance(part, int) and isinstance(node, dict) and part not in node:
            path += f"[{part}]"  # one entry written as a mapping, for a list of one (arrivals)
        elif isinstance(node, dict) and part in node:
            path += f".{part}" if path else str(part)
            node = node[part]
        elif isinstance(node, dict) and node.get("kind", _DEFAULT_TAGS.get(part)) == part:
            continue  # the discriminator tag pydantic inserts for tagged unions
        else:
            path += f".{part}" if path else str(part)
            node = None
    return path


def _reason(detail: Any) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    value = detail.get("input")
    got = f", got {value!r}" if not isinstance(value, (dict, list)) else ""
    if kind == "missing":
        return "required (the scenario format version: write 'qfab: 1')" \
            if detail["loc"] == ("qfab",) else "required"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        expected = ctx.get("expected_tags", "")
        tag = ctx.get("tag", None)
        if kind == "union_tag_not_found":
            return "needs a 'kind' key saying which kind of entry this is"
        close = difflib.get_close_matches(str(tag), [t.strip(" '") for t in expected.split(",")], 1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown kind {tag!r} (expected one of {expected}){hint}"
    bounds = {"less_than_equal": ("<=", "le"), "less_than": ("<", "lt"),
              "greater_than_equal": (">=", "ge"), "greater_than": (">", "gt")}
    if kind in bounds:
        symbol, key = bounds[kind]
        return f"must be {symbol} {ctx[key]}, got {value!r}"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}{got}"
    if kind == "too_short":
        return "must not be empty"
    return f"{detail['msg'][0].lower()}{detail['msg'][1:]}{got}"


def _unknown_key(loc: tuple[Any, ...], model: type[BaseModel]) -> str:
    """'unknown key' with a hint drawn only from the keys valid at that place."""
    key = str(loc[-1])
    here, siblings = _models_at(model, loc[:-1])
    valid = sorted({name for candidate in here for name in candidate.model_fields})
    close = difflib.get_close_matches(key, valid, n=1)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    owners = [kind for other in siblings
              if other not in here and key in other.model_fields and (kind := _kind_of(other))]
    if len(here) == 1 and owners:
        listed = ", ".join(repr(kind) for kind in owners)
        return (f"unknown key {key!r} for kind {_kind_of(here[0])!r} (it belongs to another "
                f"kind: {listed})")
    listed = f" (keys here: {', '.join(valid)})" if valid and len(valid) <= 16 else ""
    return f"unknown key {key!r}{listed}"


def _models_at(model: type[BaseModel], loc: tuple[Any, ...]
               ) -> tuple[list[type[BaseModel]], list[type[BaseModel]]]:
    """The models that may sit at ``loc`` (pydantic's location, union tags included) and the
    kinds of the union they were chosen from."""
    candidates: list[Any] = [model]
    siblings: list[type[BaseModel]] = []
    for part in loc:
        leaves = [leaf for candidate in candidates for leaf in _leaves(candidate)]
        models = [leaf for leaf in leaves
                  if isinstance(leaf, type) and issubclass(leaf, BaseModel)]
        tagged = [leaf for leaf in models if part in _kinds(leaf)]
        if tagged:  # the tag pydantic puts in the location of a tagged union's member
            siblings, candidates = models, list(tagged)
            continue
        following: list[Any] = []
        for leaf in leaves:
            origin = get_origin(leaf)
            args = get_args(leaf)
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                if isinstance(part, str) and part in leaf.model_fields:
                    following.append(leaf.model_fields[part].annotation)
            elif origin is dict and len(args) == 2 and isinstance(part, str):
                following.append(args[1])
            elif origin is list and args and isinstance(part, int):
                following.append(args[0])
            elif origin is tuple and args and isinstance(part, int):
                variadic = args[-1] is Ellipsis or part >= len(args)
                following.append(args[0] if variadic else args[part])
        candidates = following
    models = [leaf for candidate in candidates for leaf in _leaves(candidate)
              if isinstance(leaf, type) and issubclass(leaf, BaseModel)]
    if len(models) > 1:  # an untagged union: every kind is possible here
        siblings = models
    return models, siblings


def _leaves(annotation: Any) -> list[Any]:
    """The members of a union (through ``Annotated`` and ``Optional``), or the annotation."""
    if hasattr(annotation, "__metadata__"):
        return _leaves(annotation.__origin__)
    if get_origin(annotation) is Union or isinstance(annotation, types.UnionType):
        return [leaf for arg in get_args(annotation) for leaf in _leaves(arg)]
    return [annotation]


def _kinds(model: type[BaseModel]) -> tuple[Any, ...]:
    """The ``kind`` tags a model answers to (its ``kind: Literal[...]`` field)."""
    field = model.model_fields.get("kind")
    if field is None or get_origin(field.annotation) is not Literal:
        return ()
    return get_args(field.annotation)


def _kind_of(model: type[BaseModel]) -> str:
    kinds = _kinds(model)
    return str(kinds[0]) if kinds else ""


def scenario_field_names(model: type[BaseModel] = ScenarioSpec) -> frozenset[str]:
    """Every field name of ``model`` and the models inside it (keys a sweep may create)."""
    return _field_names_cached(model)


@functools.cache
def _field_names_cached(model: type[BaseModel]) -> frozenset[str]:
    names: set[str] = set()
    seen: set[Any] = set()
    pending: list[Any] = [model]
    while pending:
        annotation = pending.pop()
        for leaf in _leaves(annotation):
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                if leaf in seen:
                    continue
                seen.add(leaf)
                names.update(leaf.model_fields)
                pending.extend(info.annotation for info in leaf.model_fields.values())
            else:
                pending.extend(arg for arg in get_args(leaf) if arg is not Ellipsis
                               and not isinstance(arg, (str, int, float, bool)))
    return frozenset(names)


#: Union tags that a mapping may leave out (its kind then defaults to the tag).
_DEFAULT_TAGS = {DEFAULT_MEMORY_KIND: DEFAULT_MEMORY_KIND}

