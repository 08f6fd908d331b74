"""Key management: an ETSI GS QKD 014 style key store and trusted-node relays.

QKD sessions feed their final keys into a :class:`KeyStore` (one pool per node pair);
applications get keys with the ETSI 014 calls (:meth:`KeyStore.status`,
:meth:`KeyStore.get_key`, :meth:`KeyStore.get_key_with_ids`). Pairs without a link get keys
relayed through trusted nodes (:func:`relay`, :func:`relay_keys`). Key material never reaches
logs, ``repr`` or errors; :func:`fingerprint` gives its SHA-256 for tests. This package uses
only the standard library, NumPy and :mod:`qfab.errors`.
"""

from qfab.kms.delivery import relay_keys
from qfab.kms.errors import KeyManagementError
from qfab.kms.keys import Bits, Key, KeyContainer, Status, fingerprint
from qfab.kms.relay import RelayResult, end_to_end_length, recover, relay, relay_messages
from qfab.kms.store import KeyStore

__all__ = [
    "Bits",
    "Key",
    "KeyContainer",
    "KeyManagementError",
    "KeyStore",
    "RelayResult",
    "Status",
    "end_to_end_length",
    "fingerprint",
    "recover",
    "relay",
    "relay_keys",
    "relay_messages",
]
