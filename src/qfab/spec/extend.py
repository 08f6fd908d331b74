"""Scenario models with more kinds: the spec side of plugins (:mod:`qfab.plugins`).

The built-in :class:`~qfab.spec.models.ScenarioSpec` knows the built-in link, memory and
request kinds. :func:`extended_scenario_model` derives a subclass whose ``links``,
``nodes.*.memory`` and ``requests`` unions also accept the given spec classes; instances
are still ``ScenarioSpec`` objects, with every validator and method of the base model.
"""

from __future__ import annotations

from functools import lru_cache
from types import GenericAlias
from typing import Annotated, Any, Union, get_args

from pydantic import Discriminator, Field, Tag, create_model

from qfab.spec.base import SpecModel
from qfab.spec.models import LinkSpec, MemorySpec, NodeSpec, ScenarioSpec, T1T2MemorySpec
from qfab.spec.requests import RequestSpec

__all__ = ["builtin_kinds", "extended_scenario_model", "kind_of"]


def kind_of(cls: type) -> str:
    """The one name a spec class's ``kind: Literal["name"]`` field admits.

    Raises
    ------
    TypeError
        If ``cls`` has no ``kind`` field with a single literal value.
    """
    info = getattr(cls, "model_fields", {}).get("kind")
    values = get_args(info.annotation) if info is not None else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise TypeError(f"{cls.__name__} needs a field kind: Literal['name']")
    return values[0]


def builtin_kinds() -> dict[str, frozenset[str]]:
    """The ``kind`` names qfab defines itself: ``{"links": ..., "memories": ...,
    "requests": ...}``."""
    def kinds(union: Any) -> frozenset[str]:
        found = set()
        for member in _members(union):
            cls = get_args(member)[0] if hasattr(member, "__metadata__") else member
            found.add(kind_of(cls))
        return frozenset(found)

    return {"links": kinds(LinkSpec), "memories": kinds(MemorySpec),
            "requests": kinds(RequestSpec)}


def extended_scenario_model(*, links: tuple[type[SpecModel], ...] = (),
                            memories: tuple[type[SpecModel], ...] = (),
                            requests: tuple[type[SpecModel], ...] = ()) -> type[ScenarioSpec]:
    """:class:`ScenarioSpec` whose unions also admit ``links``, ``memories`` and ``requests``.

    Each class must have a ``kind`` field with a single literal default. With no extra
    class, this is :class:`ScenarioSpec` itself. Models are cached: the same classes give
    the same model.
    """
    if not (links or memories or requests):
        return ScenarioSpec
    return _extended(links, memories, requests)


@lru_cache(maxsize=32)
def _extended(links: tuple[type[SpecModel], ...], memories: tuple[type[SpecModel], ...],
              requests: tuple[type[SpecModel], ...]) -> type[ScenarioSpec]:
    fields: dict[str, Any] = {}
    if links:
        fields["links"] = (GenericAlias(list, (_union(LinkSpec, links),)), Field(min_length=1))
    if requests:
        fields["requests"] = (GenericAlias(list, (_union(RequestSpec, requests),)), [])
    if memories:
        node: Any = create_model(
            "NodeSpec", __base__=NodeSpec, __module__=NodeSpec.__module__,
            memory=(_tagged_union(MemorySpec, memories), T1T2MemorySpec()))
        name = Annotated[str, Field(min_length=1)]
        fields["nodes"] = (GenericAlias(dict, (name, node)), Field(min_length=1))
    model: type[ScenarioSpec] = create_model(
        "ScenarioSpec", __base__=ScenarioSpec, __module__=ScenarioSpec.__module__, **fields)
    return model


def _members(annotated: Any) -> tuple[Any, ...]:
    """The members of ``Annotated[Union[...], ...]`` (or of a bare union)."""
    union = get_args(annotated)[0] if hasattr(annotated, "__metadata__") else annotated
    return get_args(union)


def _union(builtin: Any, extra: tuple[type[SpecModel], ...]) -> Any:
    """A ``kind``-discriminated union of the built-in members and ``extra``."""
    members = (*_members(builtin), *extra)
    return Annotated[Union[members], Field(discriminator="kind")]  # noqa: UP007


def _tagged_union(builtin: Any, extra: tuple[type[SpecModel], ...]) -> Any:
    """The memory union (tagged, with a default kind) extended by ``extra``."""
    discriminator = next(item for item in builtin.__metadata__
                         if isinstance(item, Discriminator))
    members = (*_members(builtin),
               *(Annotated[cls, Tag(kind_of(cls))] for cls in extra))
    return Annotated[Union[members], discriminator]  # noqa: UP007
