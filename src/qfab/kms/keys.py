"""The data formats of ETSI GS QKD 014: keys, key containers and the Status of a SAE pair.

Field names follow ETSI GS QKD 014 V1.1.1 (2019-02), section 6 (``key_ID``, ``key``,
``stored_key_count``, ...), so that ``to_dict()`` gives the JSON bodies of the REST API.
Key material never appears in ``repr`` or ``str``: a :class:`Key` prints its ID and size, and
:func:`fingerprint` (SHA-256) is what tests compare when they must tell keys apart.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["Bits", "Key", "KeyContainer", "Status", "fingerprint", "from_bytes", "to_bytes"]

Bits = npt.NDArray[np.uint8]
"""A key as a one-dimensional array of 0/1 bits."""


def to_bytes(bits: Bits) -> bytes:
    """Pack bits (first bit = most significant bit of the first byte) into bytes.

    Examples
    --------
    >>> to_bytes(np.array([1, 0, 0, 0, 0, 0, 0, 1], dtype=np.uint8))
    b'\\x81'
    """
    return np.packbits(np.asarray(bits, dtype=np.uint8), bitorder="big").tobytes()


def from_bytes(data: bytes, size: int | None = None) -> Bits:
    """Unpack bytes into bits (the inverse of :func:`to_bytes`), keeping the first ``size``.

    Examples
    --------
    >>> from_bytes(b'\\x81').tolist()
    [1, 0, 0, 0, 0, 0, 0, 1]
    """
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="big")
    return bits if size is None else bits[:size]


def fingerprint(key: Key | bytes) -> str:
    """SHA-256 of a key's material, in hex: safe to log, print or compare in a test.

    Examples
    --------
    >>> fingerprint(b"")[:16]
    'e3b0c44298fc1c14'
    """
    material = key.material() if isinstance(key, Key) else bytes(key)
    return hashlib.sha256(material).hexdigest()


@dataclass(frozen=True)
class Key:
    """One key of a key container (ETSI 014: ``key_ID`` and base64 ``key``).

    Attributes
    ----------
    key_ID : str
        The key's UUID, in lower case.
    size : int
        Length in bits.
    key : str
        Key material, base64-encoded; left out of ``repr`` and ``str``.

    Examples
    --------
    >>> k = Key("00000000-0000-4000-8000-000000000000", 8, base64.b64encode(b"\\xa5").decode())
    >>> k
    Key(key_ID='00000000-0000-4000-8000-000000000000', size=8)
    >>> k.bits().tolist()
    [1, 0, 1, 0, 0, 1, 0, 1]
    """

    key_ID: str
    size: int
    key: str = field(repr=False)

    def material(self) -> bytes:
        """The key as bytes."""
        return base64.b64decode(self.key)

    def bits(self) -> Bits:
        """The key as a 0/1 array of ``size`` bits."""
        return from_bytes(self.material(), self.size)

    def fingerprint(self) -> str:
        """SHA-256 of the key material (see :func:`fingerprint`)."""
        return fingerprint(self)

    def to_dict(self) -> dict[str, str]:
        """The key's entry in an ETSI 014 Key container."""
        return {"key_ID": self.key_ID, "key": self.key}


@dataclass(frozen=True)
class KeyContainer:
    """What Get key and Get key with key IDs return (ETSI 014 Key container).

    Attributes
    ----------
    keys : tuple of Key
        The keys, in the order they were issued or asked for.
    """

    keys: tuple[Key, ...]

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[Key]:
        return iter(self.keys)

    def key_IDs(self) -> tuple[str, ...]:
        """The keys' IDs: what the master SAE sends to the slave out of band."""
        return tuple(key.key_ID for key in self.keys)

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        """The ETSI 014 Key container body (it holds the key material)."""
        return {"keys": [key.to_dict() for key in self.keys]}

    def key_IDs_dict(self) -> dict[str, list[dict[str, str]]]:
        """The ETSI 014 Key IDs body the slave SAE sends with Get key with key IDs."""
        return {"key_IDs": [{"key_ID": key.key_ID} for key in self.keys]}


@dataclass(frozen=True)
class Status:
    """ETSI 014 Status of the keys a master SAE can get for a slave SAE.

    ``key_size`` is the default size (bits) of Get key; ``stored_key_count`` the number of
    keys of that size the pool can deliver now, never above ``max_key_count``.
    ``max_SAE_ID_count`` is 0: key multicast is not supported. Field names are ETSI 014's.
    """

    source_KME_ID: str
    target_KME_ID: str
    master_SAE_ID: str
    slave_SAE_ID: str
    key_size: int
    stored_key_count: int
    max_key_count: int
    max_key_per_request: int
    max_key_size: int
    min_key_size: int
    max_SAE_ID_count: int = 0

    def to_dict(self) -> dict[str, object]:
        """The ETSI 014 Status body."""
        return asdict(self)
