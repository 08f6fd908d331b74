"""Seeded, named random streams.

Every random draw of a simulation comes from a stream owned by that simulation and named
after the component that uses it. Streams are derived from ``(seed, name)`` alone, so adding
a component never changes the draws of another one, and the same seed gives the same run in
any process (a Dask worker included). There is no module-level generator.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["RandomStreams"]


class RandomStreams:
    """Factory of independent :class:`numpy.random.Generator` streams keyed by name.

    Parameters
    ----------
    seed
        The simulation's seed (a non-negative integer).

    Examples
    --------
    >>> streams = RandomStreams(7)
    >>> a = streams.stream("link:alice-bob")
    >>> b = RandomStreams(7).stream("link:alice-bob")
    >>> bool(a.random() == b.random())
    True
    """

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = seed
        self._streams: dict[str, np.random.Generator] = {}

    def stream(self, name: str) -> np.random.Generator:
        """Return the stream called ``name``, creating it on first use."""
        generator = self._streams.get(name)
        if generator is None:
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
            generator = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(key,)))
            self._streams[name] = generator
        return generator
