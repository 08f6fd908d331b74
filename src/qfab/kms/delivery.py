"""End-to-end keys for a pair of nodes without a QKD link, relayed through a key store.

:func:`relay_keys` takes the same number of bits from the pool of every link along a chain
of trusted nodes (:meth:`~qfab.kms.store.KeyStore.withdraw_bits`), forwards them with
:func:`~qfab.kms.relay.relay` and adds the end-to-end key to the pool of the chain's two ends,
where their SAEs get keys with the ETSI 014 calls like those of a direct link.
"""

from __future__ import annotations

from collections.abc import Sequence

from qfab.kms.errors import BAD_REQUEST, UNAVAILABLE, KeyManagementError
from qfab.kms.relay import RelayResult, relay
from qfab.kms.store import KeyStore

__all__ = ["relay_keys"]


def relay_keys(store: KeyStore, nodes: Sequence[str], bits: int | None = None) -> RelayResult:
    """Relay ``bits`` of key (all that the shortest link can give, by default) along ``nodes``.

    Parameters
    ----------
    store
        The key store holding a pool for every link ``(nodes[i], nodes[i+1])``.
    nodes
        The chain ``a, r1, ..., b``, with at least one relay.
    bits
        End-to-end key length, a multiple of 8; by default the smallest pool along the chain
        (rounded down to whole bytes).

    Returns
    -------
    RelayResult
        What :func:`~qfab.kms.relay.relay` reports (exposed nodes, bits spent per link); the
        end-to-end key is now in the pool of ``(nodes[0], nodes[-1])``.

    Raises
    ------
    KeyManagementError
        400 for a chain without a relay or a bad ``bits``; 503 when a link's pool is short
        (nothing is withdrawn then).

    Examples
    --------
    >>> import numpy as np
    >>> store = KeyStore(key_size=8)
    >>> for u, v in [("a", "r"), ("r", "b")]:
    ...     _ = store.add_key_material(u, v, np.ones(64, dtype=np.uint8))
    >>> relay_keys(store, ["a", "r", "b"], bits=32).exposed_at
    ('r',)
    >>> store.status("a", "b").stored_key_count, store.available_bits("a", "r")
    (4, 32)
    """
    chain = tuple(nodes)
    if len(chain) < 3:
        raise KeyManagementError(BAD_REQUEST, "a relay chain needs a node between its ends, "
                                 f"got {list(chain)}")
    links = list(zip(chain, chain[1:]))
    available = {link: store.available_bits(*link) for link in links}
    length = min(available.values()) if bits is None else bits
    if length < 0 or length % 8:
        raise KeyManagementError(BAD_REQUEST, f"bits must be a non-negative multiple of 8, "
                                 f"got {length}")
    short = {f"{u}-{v}": have for (u, v), have in available.items() if have < length}
    if short:
        raise KeyManagementError(UNAVAILABLE, f"{length} relayed bits need as many on every "
                                 f"link; short: {', '.join(short)}", short)
    result = relay(chain, [store.withdraw_bits(u, v, length) for u, v in links])
    store.add_key_material(chain[0], chain[-1], result.destination_key)
    return result
