"""The array namespace of the arguments of a physics function (private).

Every formula of :mod:`qfab.physics` is written once against an array namespace ``xp`` so
that the same function runs on NumPy arrays (CPU), on CuPy arrays (GPU) and, where only
arithmetic is involved, on Python floats. :func:`namespace` picks the namespace from the
arguments, in the style of the Python array API standard's ``array_namespace``.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

__all__ = ["namespace"]


def namespace(*arrays: Any) -> Any:
    """The array module of ``arrays``: CuPy if any argument is a CuPy array, else NumPy.

    Python scalars, lists and NumPy arrays give :mod:`numpy`. CuPy is never imported here:
    a CuPy array can only exist once its module is loaded, so it is taken from
    :data:`sys.modules`.

    Parameters
    ----------
    *arrays : object
        Arrays or scalars.

    Returns
    -------
    module
        ``numpy`` or ``cupy``.
    """
    for value in arrays:
        module = type(value).__module__
        if module.startswith("cupy"):
            return sys.modules["cupy"]
    return np
