"""The fast engine's schemes: one compiled class per protocol it samples.

Each scheme says which paths it serves (the protocol the scenario asks for) and whether it
models every parameter of such a path, with the reason when it does not. A request compiles
into the first scheme of :data:`SCHEMES` that serves and models its path.

>>> from qfab.engines.fast.schemes import PathShape, choose_scheme
>>> shape = PathShape(where="requests[0]", links=4, swap="nested", cutoff=None, rounds=0,
...                   zero_length=True, ideal_swaps=False)
>>> choose_scheme(shape)[0].__name__
'CompiledNestedChain'
>>> choose_scheme(PathShape(where="requests[0]", links=3, swap="nested", cutoff=None,
...                         rounds=0, zero_length=True, ideal_swaps=True))[1].reason
'requests[0]: the fast engine models nested swapping on 2^n zero-length links; use engine des'
"""

from __future__ import annotations

from qfab.engines.base import Support
from qfab.engines.fast.schemes.asap import CompiledAsapChain
from qfab.engines.fast.schemes.asap_cutoff import CompiledAsapCutoffChain
from qfab.engines.fast.schemes.base import CompiledChain, CompiledPath, PathShape, Trajectories
from qfab.engines.fast.schemes.link import CompiledLink
from qfab.engines.fast.schemes.nested import CompiledNestedChain
from qfab.engines.fast.schemes.purified_link import CompiledPurifiedLink

__all__ = [
    "SCHEMES",
    "CompiledAsapChain",
    "CompiledAsapCutoffChain",
    "CompiledChain",
    "CompiledLink",
    "CompiledNestedChain",
    "CompiledPath",
    "CompiledPurifiedLink",
    "PathShape",
    "Trajectories",
    "choose_scheme",
]

#: Schemes in order of preference: the direct model of each protocol before a stand-in
#: (nested swapping stands in for swap-asap on two zero-length links with lossy swaps).
SCHEMES: tuple[type[CompiledPath], ...] = (
    CompiledLink, CompiledPurifiedLink, CompiledAsapChain, CompiledAsapCutoffChain,
    CompiledNestedChain,
)


def choose_scheme(shape: PathShape) -> tuple[type[CompiledPath] | None, Support]:
    """The scheme that models ``shape``, or ``None`` and the reason none does.

    When every scheme that serves the path refuses it, the reason is that of the last one
    tried (the most general stand-in).
    """
    refusal = Support.no(f"{shape.where}: the fast engine has no scheme for this path; "
                         "use engine des")
    if shape.varying is not None:
        return None, Support.no(f"{shape.varying}: the fast engine models links whose success "
                                "probability and state are constant while up; use engine des")
    for scheme in SCHEMES:
        if not scheme.serves(shape):
            continue
        if shape.scheduled is not None and not scheme.models_schedules:
            refusal = Support.no(f"{shape.scheduled}: the fast engine samples a link with a "
                                 "schedule of slices (a satellite pass) on single-link paths "
                                 "only; use engine des")
            continue
        if shape.windows is not None and not scheme.models_windows:
            refusal = Support.no(f"{shape.windows}: the fast engine models up windows on "
                                 "single links and on swap-asap chains without cutoff; use "
                                 "engine des")
            continue
        support = scheme.models(shape)
        if support:
            return scheme, support
        refusal = support
    return None, refusal
