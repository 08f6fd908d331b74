"""Base of the scenario models."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

__all__ = ["SpecModel", "Tier", "Integer", "SHARED"]

#: Key of the validation context (``model_validate(..., context={SHARED: {}})``) under which
#: one validation keeps the models it built for each input mapping: a mapping that occurs
#: many times in the document (one node or link template shared by every generated entry)
#: is validated once and its model shared.
SHARED = "qfab.shared"

#: A whole number as YAML writes it: ``true``/``false`` and ``5.0`` are refused (pydantic's
#: lax mode would read them as 1, 0 and 5).
Integer = Annotated[int, Field(strict=True)]

#: The four tiers of a quantum network.
Tier = Literal["nodal", "cluster", "campus", "wan"]


class SpecModel(BaseModel):
    """Base of all scenario models: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _shared(cls, value: Any, handler: ValidatorFunctionWrapHandler,
                info: ValidationInfo) -> Any:
        """Validate each input mapping object once per validation (see :data:`SHARED`).

        A frozen model depends only on its input, so the same mapping object gives the
        same model wherever it occurs; the mapping is kept with it so that its ``id`` is
        not reused while the validation runs.
        """
        context = info.context
        shared = context.get(SHARED) if isinstance(context, dict) else None
        if shared is None or not isinstance(value, dict):
            return handler(value)
        key = (cls, id(value))
        found = shared.get(key)
        if found is None:
            found = shared[key] = (value, handler(value))
        return found[1]
