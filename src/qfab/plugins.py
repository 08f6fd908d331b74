"""Extension points: a user's package adds link kinds, memory kinds, applications and
routing policies without editing qfab, the way networkx backends plug in.

A plugin registers each extension with its spec model and its implementation, either
explicitly::

    import qfab
    qfab.register(MyLinkSpec, my_heralding)          # a link kind
    qfab.register(MyRequestSpec, MyApplication)      # a workload
    qfab.register("widest", my_paths)                # a routing policy

or through an entry point in the group ``qfab.plugins`` whose object is a function taking a
:class:`Registry` (``[project.entry-points."qfab.plugins"] mine = "my_pkg:plugin"``); entry
points are loaded once, the first time a scenario is read. ``examples/plugins/`` holds a
complete plugin package.

What each kind provides:

* link kind: a subclass of :class:`qfab.spec.models.LinkSpecBase` with
  ``kind: Literal["name"]`` and a *heralding* function ``link_spec -> (p_success, bell_vector)``:
  the success probability of one attempt and the Bell-diagonal vector of a heralded pair.
  Timing (period, heralding delay) and memories are the same as for the built-in kinds, so
  every engine runs it.
* memory kind: a subclass of :class:`qfab.spec.models.MemorySpecBase` with
  ``kind: Literal["name"]`` and a builder ``memory_spec -> MemoryModel``
  (:mod:`qfab.memorymodel`); every engine uses the model.
* application: a subclass of :class:`qfab.spec.requests.PairRequestSpec` with
  ``kind: Literal["name"]`` and a subclass of :class:`qfab.apps.base.Application`.
* routing policy: a name used as ``policy.routing`` and a function
  ``(network, source, target) -> list of paths`` (node-name lists, best first).

The registry is the one piece of process-wide state in qfab, as for entry points in
general: it only ever grows with kinds, so a scenario's meaning does not depend on the
order things run in; :meth:`Registry.scope` undoes registrations (for tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from qfab.errors import QfabError
from qfab.spec.extend import builtin_kinds, extended_scenario_model, kind_of
from qfab.spec.models import LinkSpecBase, MemorySpecBase, ScenarioSpec
from qfab.spec.requests import PairRequestSpec

__all__ = ["ENTRY_POINT_GROUP", "LinkKind", "MemoryKind", "Registry", "register", "registry"]

#: Entry-point group scanned for plugins.
ENTRY_POINT_GROUP = "qfab.plugins"

#: ``link spec -> (p_success, Bell vector (Phi+, Psi-, Psi+, Phi-))``
Heralding = Callable[[Any], tuple[float, Any]]
#: ``(network, source, target) -> candidate paths, best first``
RoutingPolicy = Callable[[Any, str, str], list[list[str]]]


class PluginError(QfabError):
    """A plugin could not be registered or loaded."""


@dataclass(frozen=True)
class LinkKind:
    """A registered link kind: its spec model and its heralding physics."""

    spec: type[LinkSpecBase]
    heralding: Heralding


@dataclass(frozen=True)
class MemoryKind:
    """A registered memory kind: its spec model and the builder of its memory model."""

    spec: type[MemorySpecBase]
    model: Callable[[Any], Any]


@dataclass
class Registry:
    """Kinds added by plugins, by name (the built-in kinds are not listed here)."""

    links: dict[str, LinkKind] = field(default_factory=dict)
    memories: dict[str, MemoryKind] = field(default_factory=dict)
    applications: dict[str, tuple[type[PairRequestSpec], type]] = field(default_factory=dict)
    routing: dict[str, RoutingPolicy] = field(default_factory=dict)
    _entry_points_loaded: bool = False

    def register(self, spec: type | str, implementation: Any) -> None:
        """Register one extension (see the module docstring for what each kind needs).

        Raises
        ------
        PluginError
            If ``spec`` is none of the extensible kinds, its ``kind`` is not a single
            literal, or the name is already taken by a built-in or another plugin.
        """
        if isinstance(spec, str):
            self._add(self.routing, "routing policy", spec, implementation,
                      builtin=_BUILTIN_ROUTING)
            return
        if not isinstance(spec, type):
            raise PluginError(f"register: expected a spec class or a policy name, got {spec!r}")
        if not issubclass(spec, (LinkSpecBase, MemorySpecBase, PairRequestSpec)):
            raise PluginError(f"register: {spec.__name__} is not a link, memory or request "
                              "spec (subclass LinkSpecBase, MemorySpecBase or PairRequestSpec)")
        name = _kind_of(spec)
        if issubclass(spec, LinkSpecBase):
            self._add(self.links, "link kind", name, LinkKind(spec, implementation),
                      builtin=builtin_kinds()["links"])
        elif issubclass(spec, MemorySpecBase):
            self._add(self.memories, "memory kind", name, MemoryKind(spec, implementation),
                      builtin=builtin_kinds()["memories"])
        else:
            self._add(self.applications, "request kind", name, (spec, implementation),
                      builtin=builtin_kinds()["requests"])

    @staticmethod
    def _add(table: dict[str, Any], what: str, name: str, entry: Any, *,
             builtin: frozenset[str]) -> None:
        if name in builtin:
            raise PluginError(f"register: {what} {name!r} is built into qfab")
        if name in table and table[name] != entry:
            raise PluginError(f"register: {what} {name!r} is already registered")
        table[name] = entry

    def load_entry_points(self) -> None:
        """Call every ``qfab.plugins`` entry point with this registry (once)."""
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        import importlib.metadata  # only when a scenario is first read: it costs start-up time

        for point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                plugin = point.load()
                plugin(self)
            except QfabError:
                raise
            except Exception as error:  # a broken plugin is named, not a traceback
                raise PluginError(f"plugin {point.name!r} ({point.value}) failed to load: "
                                  f"{type(error).__name__}: {error}") from error

    @contextmanager
    def scope(self) -> Iterator[Registry]:
        """Undo every registration made inside the ``with`` block."""
        tables: tuple[dict[str, Any], ...] = (self.links, self.memories, self.applications,
                                              self.routing)
        saved = [dict(table) for table in tables]
        try:
            yield self
        finally:
            for table, before in zip(tables, saved):
                table.clear()
                table.update(before)


def _kind_of(spec: type) -> str:
    try:
        return kind_of(spec)
    except TypeError as error:
        raise PluginError(f"register: {error}") from None


_BUILTIN_ROUTING = frozenset({"default"})

_REGISTRY = Registry()


def registry() -> Registry:
    """The process's registry, with the installed entry points loaded."""
    _REGISTRY.load_entry_points()
    return _REGISTRY


def register(spec: type | str, implementation: Any) -> None:
    """Register a link kind, memory kind, application or routing policy.

    See :mod:`qfab.plugins`.

    Examples
    --------
    >>> def direct(network, source, target):
    ...     return [[source, target]]
    >>> with registry().scope():
    ...     register("direct", direct)
    ...     sorted(registry().routing)
    ['direct']
    """
    registry().register(spec, implementation)


def scenario_model() -> type[ScenarioSpec]:
    """The scenario model that admits every registered link, memory and request kind."""
    found = registry()
    return extended_scenario_model(
        links=tuple(kind.spec for kind in found.links.values()),
        memories=tuple(kind.spec for kind in found.memories.values()),
        requests=tuple(spec for spec, _ in found.applications.values()))
