"""Base of the scenario models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SpecModel", "Tier", "Integer"]

#: A whole number as YAML writes it: ``true``/``false`` and ``5.0`` are refused (pydantic's
#: lax mode would read them as 1, 0 and 5).
Integer = Annotated[int, Field(strict=True)]

#: The four tiers of a quantum network.
Tier = Literal["nodal", "cluster", "campus", "wan"]


class SpecModel(BaseModel):
    """Base of all scenario models: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")
