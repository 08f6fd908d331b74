"""Entanglement delivery: the pairs themselves are the product."""

from __future__ import annotations

from typing import ClassVar

from qfab.apps.base import Application

__all__ = ["EntanglementApp"]


class EntanglementApp(Application):
    """Takes each delivered pair as it is; its result is the request's core fields (rate,
    fidelity, latency) and nothing more."""

    kind: ClassVar[str] = "entanglement"
