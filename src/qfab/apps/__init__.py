"""Workloads: what each request kind does with the pairs the network delivers.

See :mod:`qfab.apps.base` for the interface and the kind -> application table.
"""

from qfab.apps.base import (
    APPLICATIONS,
    Application,
    DeliveredPair,
    application_class,
    application_for,
)

__all__ = ["APPLICATIONS", "Application", "DeliveredPair", "application_class",
           "application_for"]
