"""Base of the scenario models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["SpecModel", "Tier"]

#: The four tiers of a quantum network.
Tier = Literal["nodal", "cluster", "campus", "wan"]


class SpecModel(BaseModel):
    """Base of all scenario models: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")
