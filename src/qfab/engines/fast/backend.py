"""Array backends of the fast engine: NumPy on the CPU, CuPy on an NVIDIA GPU.

The fast engine's sampling code is written once against an array module ``xp``; a backend
bundles that module with a seeded random generator. All random variates are drawn from
uniforms by inversion, which both backends do at full speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from qfab.engines.base import Support

__all__ = ["ArrayBackend", "backend_for", "device_support", "Device"]

Device = Literal["cpu", "gpu"]


@dataclass
class ArrayBackend:
    """An array module and a random generator living on the same device.

    Attributes
    ----------
    xp
        ``numpy`` or ``cupy``.
    rng
        A generator with ``random(size)`` returning float64 uniforms in [0, 1).
    device
        ``"cpu"`` or ``"gpu"``.
    """

    xp: Any
    rng: Any
    device: Device

    def geometric(self, p: Any, shape: tuple[int, ...]) -> Any:
        """Geometric variates on {1, 2, ...} with success probability ``p`` (broadcasts).

        Inversion: ``G = floor(ln U / ln(1 - p)) + 1`` for ``U`` uniform on (0, 1], which is
        Geometric(p) since ``P(G > k) = (1 - p)^k``.
        """
        xp = self.xp
        u = 1.0 - self.rng.random(shape)  # (0, 1]
        with np.errstate(divide="ignore"):
            return xp.floor(xp.log(u) / xp.log1p(-xp.asarray(p))) + 1.0

    def chunk_size(self, values_per_item: int) -> int:
        """Items to process at once when each needs ``values_per_item`` float64 values.

        On the CPU the working arrays stay in the caches (2^18 values); on a GPU a chunk
        takes up to a 48th of the free device memory per working array, since some 20 such
        arrays are alive at once.
        """
        if self.device == "cpu":
            return max(1, (1 << 18) // values_per_item)
        free_bytes, _ = self.xp.cuda.Device().mem_info
        return max(1, int(free_bytes) // (48 * 8 * values_per_item))

    def to_host(self, array: Any) -> np.ndarray:
        """Copy an array to host memory as a NumPy array."""
        if self.device == "gpu":
            return self.xp.asnumpy(array)  # type: ignore[no-any-return]
        return np.asarray(array)


def device_support(device: str) -> Support:
    """Whether ``device`` can run here: always for ``"cpu"``; for ``"gpu"``, when CuPy and a
    CUDA device are available."""
    if device == "cpu":
        return Support.yes()
    if device != "gpu":
        return Support.no(f"--device: unknown device {device!r} (cpu or gpu)")
    try:
        import cupy
    except ImportError:
        return Support.no("--device gpu: CuPy is not installed (pip install 'qfab[gpu]' "
                          "on a machine with an NVIDIA GPU and CUDA)")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return Support.no("--device gpu: no CUDA device found")
    except cupy.cuda.runtime.CUDARuntimeError as error:
        return Support.no(f"--device gpu: no usable CUDA device ({error})")
    return Support.yes()


def backend_for(device: Device, seed: int) -> ArrayBackend:
    """The backend for ``device``, seeded with ``seed``.

    Raises
    ------
    EngineError
        If ``device`` is ``"gpu"`` and CuPy or a CUDA device is not available (the reason
        :func:`device_support` gives).
    """
    device_support(device).require()
    if device == "cpu":
        return ArrayBackend(np, np.random.default_rng(seed), "cpu")
    import cupy

    return ArrayBackend(cupy, cupy.random.default_rng(seed), "gpu")
