"""Trusted-node relays: end-to-end keys over a chain of QKD links by one-time-pad forwarding.

Along a chain ``a - r1 - ... - rm - b`` every link ``i`` (between ``nodes[i]`` and
``nodes[i+1]``) holds its own final key ``k_i``. The end-to-end key is ``a``'s link key
``k_0``; each relay ``r_i`` publishes ``k_{i-1} XOR k_i`` (one-time-pad encryption of the key
it received with the key of the next link), and ``b`` recovers ``k_0`` as
``k_m XOR m_m XOR ... XOR m_1``. The published messages are uniformly distributed whatever the
end key is, so an eavesdropper on the classical channel learns nothing; every relay, though,
holds the end key, so it must be trusted (the "trusted node" networks of SECOQC, Tokyo QKD
and the Beijing-Shanghai backbone: Salvail, Peev, Diamanti, Alleaume, Luetkenhaus, Laenger,
J. Comput. Secur. 18, 61 (2010); Peev et al., New J. Phys. 11, 075001 (2009)).

Every link spends as many bits as the end-to-end key has, and that is the shortest link key.
These are pure functions: no randomness, no clock, no store (:mod:`qfab.kms.delivery` runs
them on the pools of a :class:`~qfab.kms.store.KeyStore`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce

import numpy as np
import numpy.typing as npt

from qfab.kms.errors import BAD_REQUEST, KeyManagementError
from qfab.kms.keys import Bits

__all__ = ["RelayResult", "end_to_end_length", "recover", "relay", "relay_messages"]


def _keys(link_keys: Sequence[npt.ArrayLike]) -> list[Bits]:
    if not link_keys:
        raise KeyManagementError(BAD_REQUEST, "a relay chain needs at least one link key")
    keys = []
    for i, key in enumerate(link_keys):
        array = np.asarray(key)
        if array.ndim != 1 or (array.size and (array.dtype.kind not in "biu"
                                               or int(array.min()) < 0 or int(array.max()) > 1)):
            raise KeyManagementError(BAD_REQUEST, f"link key {i} must be a one-dimensional "
                                     "array of the bits 0 and 1")
        keys.append(array.astype(np.uint8, copy=False))
    return keys


def end_to_end_length(link_keys: Sequence[npt.ArrayLike]) -> int:
    """Length of the end-to-end key: the shortest link key.

    Examples
    --------
    >>> end_to_end_length([np.zeros(10, np.uint8), np.zeros(7, np.uint8), [0] * 12])
    7
    """
    return min(len(key) for key in _keys(link_keys))


def relay_messages(link_keys: Sequence[npt.ArrayLike]) -> tuple[Bits, ...]:
    """What each relay publishes: ``k_{i-1} XOR k_i``, on the end-to-end length.

    Examples
    --------
    >>> [m.tolist() for m in relay_messages([[1, 1, 0], [0, 1, 1], [1, 1, 1]])]
    [[1, 0, 1], [1, 0, 0]]
    """
    keys = _keys(link_keys)
    length = min(len(key) for key in keys)
    return tuple(left[:length] ^ right[:length] for left, right in zip(keys, keys[1:]))


def recover(last_link_key: npt.ArrayLike, messages: Sequence[npt.ArrayLike]) -> Bits:
    """The far end's copy of the end-to-end key: its own link key XOR every published message.

    Examples
    --------
    >>> recover([1, 1, 1], [[1, 0, 1], [1, 0, 0]]).tolist()
    [1, 1, 0]
    """
    last, *published = _keys([last_link_key, *messages])
    length = min([len(last), *(len(m) for m in published)])
    return reduce(np.bitwise_xor, (m[:length] for m in published), last[:length].copy())


@dataclass(frozen=True)
class RelayResult:
    """An end-to-end key over a chain of trusted nodes. Keys are left out of ``repr``.

    Attributes
    ----------
    nodes : tuple of str
        The chain, from the key's source ``nodes[0]`` to its destination ``nodes[-1]``.
    key_bits : int
        Length of the end-to-end key.
    exposed_at : tuple of str
        Nodes other than the two ends that hold the end-to-end key: every relay.
    consumed_bits : mapping of (str, str) to int
        Key material spent on each link, keyed by the link's two nodes in chain order.
    source_key, destination_key : numpy.ndarray of uint8
        The two ends' copies of the key (identical).
    messages : tuple of numpy.ndarray of uint8
        What each relay published, in chain order.
    """

    nodes: tuple[str, ...]
    key_bits: int
    exposed_at: tuple[str, ...]
    consumed_bits: Mapping[tuple[str, str], int]
    source_key: Bits = field(repr=False)
    destination_key: Bits = field(repr=False)
    messages: tuple[Bits, ...] = field(repr=False)

    @property
    def keys_match(self) -> bool:
        """Whether both ends hold the same key (always, unless a link key was wrong)."""
        return bool(np.array_equal(self.source_key, self.destination_key))


def relay(nodes: Sequence[str], link_keys: Sequence[npt.ArrayLike]) -> RelayResult:
    """Forward a key from ``nodes[0]`` to ``nodes[-1]`` through the trusted relays between.

    Parameters
    ----------
    nodes
        The chain ``a, r1, ..., b`` (distinct names, at least two).
    link_keys
        Final key of each link ``(nodes[i], nodes[i+1])``, as 0/1 arrays, one fewer than
        ``nodes``; both ends of a link hold the same bits.

    Returns
    -------
    RelayResult
        The keys at both ends, the published messages, the length (the shortest link key),
        the exposed nodes and the bits each link spent.

    Examples
    --------
    >>> out = relay(["a", "r", "b"], [[1, 0, 1, 1], [0, 0, 1]])
    >>> out
    RelayResult(nodes=('a', 'r', 'b'), key_bits=3, exposed_at=('r',), consumed_bits={('a', 'r'): 3, ('r', 'b'): 3})
    >>> out.keys_match, out.destination_key.tolist()
    (True, [1, 0, 1])
    """  # noqa: E501
    chain = tuple(nodes)
    if len(chain) < 2 or len(set(chain)) != len(chain):
        raise KeyManagementError(BAD_REQUEST, "a relay chain needs at least two distinct nodes, "
                                 f"got {list(chain)}")
    keys = _keys(link_keys)
    if len(keys) != len(chain) - 1:
        raise KeyManagementError(BAD_REQUEST, f"{len(chain)} nodes need {len(chain) - 1} link "
                                 f"keys, got {len(keys)}")
    length = min(len(key) for key in keys)
    messages = relay_messages(keys)
    return RelayResult(nodes=chain, key_bits=length, exposed_at=chain[1:-1],
                       consumed_bits={(u, v): length for u, v in zip(chain, chain[1:])},
                       source_key=keys[0][:length].copy(),
                       destination_key=recover(keys[-1], messages), messages=messages)
