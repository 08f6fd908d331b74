"""When the links of a request's path are up: the wait a request makes for them, and a
clear note when one stays down for the rest of the run.

A link with up windows or a schedule of slices (a satellite pass) may be down when a request
starts; its channels then make their first attempt when it comes up
(:meth:`~qfab.linkmodel.LinkModel.next_up`), so the request waits at least until every link of
its path has come up once. Every engine reports that wait in the request's result
(``waited_s``) and, when a link of the path is not up again before the run ends, a ``note``
saying so: the request's empty row is then the schedule's doing, not the physics of the link.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qfab.linkmodel import LinkModel

__all__ = ["PathWait", "path_wait"]

PathWait = tuple[float | None, str | None]


def path_wait(models: Sequence[LinkModel], start: float, duration: float) -> PathWait:
    """``(waited_s, note)`` of a request that starts at ``start`` on the links ``models``.

    ``waited_s`` is the time from ``start`` until every link of the path has been up since
    then (the latest first up time; ``0`` when all are up at the start), ``None`` when no link
    of the path has windows or a schedule. ``note`` names the first link that is not up
    again before ``duration`` (``None`` otherwise).
    """
    waited: float | None = None
    note = None
    for model in models:
        if not model.time_varying:
            continue
        up = model.next_up(start)
        if note is None and up >= duration:
            a, b = model.between
            when = ("no pass or window is left in its schedule" if math.isinf(up) else
                    f"it is next up at {up:.6g} s")
            note = (f"{model.availability_path} ({a} - {b}) is down from the request's start "
                    f"({start:.6g} s) to the end of the run ({duration:.6g} s); {when}")
        wait = min(up, duration) - start
        waited = wait if waited is None else max(waited, wait)
    return (None if waited is None else max(waited, 0.0)), note
