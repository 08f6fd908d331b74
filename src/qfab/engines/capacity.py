"""What a machine can hold: its memory, and the event simulation's memory per channel.

A link has as many channels as the end with fewer qubits for it dedicates to it, and the
event simulation keeps state for every channel (two memory slots, the pair they hold, the
channel's credits and pending attempt). Qubits on both ends of a link beyond what the machine
holds are refused before anything is built (:func:`channel_support`), with the memory they
would need; one end with many qubits facing an end with few costs nothing.
"""

from __future__ import annotations

import os
from decimal import Decimal

from qfab.engines.base import Support
from qfab.orchestrator.network import NetworkGraph
from qfab.spec.models import ScenarioSpec

__all__ = ["DES_BYTES_PER_CHANNEL", "channel_support", "device_memory_bytes", "qubits_field",
           "size_text"]

#: Memory the event simulation needs for each channel of a link (measured: about 0.9 kB per
#: channel with 10**6 channels on one link, its attempts scheduled).
DES_BYTES_PER_CHANNEL = 1_000


def device_memory_bytes(device: str) -> int | None:
    """Total memory of ``device`` ("cpu": the machine's RAM, or this process's address-space
    limit (``ulimit -v``) when that is lower; "gpu": the CUDA device's), or None when it
    cannot be told."""
    try:
        if device == "gpu":
            import cupy

            _, total = cupy.cuda.Device().mem_info
            return int(total)
        physical = int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ImportError, ValueError, OSError, AttributeError):  # pragma: no cover
        return None
    return min(physical, _address_space_limit() or physical)


def _address_space_limit() -> int | None:
    """This process's soft limit on its address space in bytes, None when unlimited."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY or soft <= 0 else int(soft)


def size_text(count: int) -> str:
    """``count`` bytes in binary units, for any size (integers beyond the float range too).

    >>> size_text(3 * 2**40), size_text(10**400)
    ('3 TiB', '8.88e+384 PiB')
    """
    value = Decimal(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            return f"{float(value) if value < 10**300 else value:.3g} {unit}"
        value /= 1024
    raise AssertionError  # pragma: no cover


def qubits_field(spec: ScenarioSpec, a: str, b: str) -> str:
    """YAML path of the qubits that set the channels of the link ``a - b``: those of the end
    that dedicates fewer qubits to it."""
    fewer, other = (a, b) if spec.qubits_per_link(a, b) <= spec.qubits_per_link(b, a) else (b, a)
    if spec.nodes[fewer].memory.per_link is not None:
        return f"nodes.{fewer}.memory.per_link.{other}"
    return f"nodes.{fewer}.memory.qubits"


def channel_support(spec: ScenarioSpec, network: NetworkGraph, *,
                    available: int | None = None) -> Support:
    """No, naming the qubits that make the most channels, when the event simulation's
    channels need more memory than this machine has.

    ``available`` overrides the machine's memory (for tests).
    """
    total = device_memory_bytes("cpu") if available is None else available
    channels = sum(model.channels for model in network.models)
    need = channels * DES_BYTES_PER_CHANNEL
    if total is None or need <= total:
        return Support.yes()
    widest = max(network.models, key=lambda model: model.channels)
    a, b = widest.between
    return Support.no(
        f"{qubits_field(spec, a, b)}: {channels:,} channels in all ({widest.channels:,} on "
        f"the link {a} - {b}, one per qubit of the end with fewer) would need about "
        f"{size_text(need)} in the event simulation (about {DES_BYTES_PER_CHANNEL:,} bytes "
        f"each), more than this machine's {size_text(total)}; give the links fewer qubits")
