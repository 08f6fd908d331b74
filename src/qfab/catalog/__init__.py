"""The cited hardware catalog: real devices with their parameters, units and sources.

The presets live in data files of the package (``qfab/catalog/data/*.yaml``, one per category:
emitter, converter, memory, detector, fiber, interconnect). :func:`presets` lists them,
:func:`preset` returns one (an unknown name is an :class:`UnknownPresetError` listing the close
names). A scenario section pulls one in with ``preset: NAME``
(:func:`~qfab.catalog.resolve.resolve_presets`, run by :func:`qfab.loading.parse_scenario`
before validation); ``qfab catalog`` lists them and ``qfab catalog NAME`` shows one.

Layering: the catalog reads its own data and knows only :mod:`qfab.errors`; the loading step
calls it, nothing in the engines does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qfab.catalog.model import (
        CATEGORIES,
        Category,
        Parameter,
        Preset,
        UnknownPresetError,
        preset,
        presets,
    )
    from qfab.catalog.resolve import APPLIED, applied_values, resolve_presets

__all__ = ["APPLIED", "CATEGORIES", "Category", "Parameter", "Preset", "UnknownPresetError",
           "applied_values", "preset", "presets", "resolve_presets"]

# ``qfab --help`` builds the catalog's parser without pydantic or YAML: the names are
# imported on first use.
_HOMES = {"APPLIED": "resolve", "applied_values": "resolve", "resolve_presets": "resolve"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'qfab.catalog' has no attribute {name!r}")
    module = importlib.import_module(f"qfab.catalog.{_HOMES.get(name, 'model')}")
    return getattr(module, name)
