"""A key store with the calls of ETSI GS QKD 014 (Get status, Get key, Get key with key IDs).

The store plays the key management entities (KMEs) of a simulated QKD network. Each QKD link
(or trusted-relay path) between two nodes feeds its final keys into one pool, shared by the
pair whatever its order (both ends hold the same bits after post-processing); a master SAE
draws keys from the pool with :meth:`KeyStore.get_key` and sends their IDs to the slave, which
collects the same keys with :meth:`KeyStore.get_key_with_ids`. The semantics follow ETSI GS
QKD 014 V1.1.1 (2019-02), section 5, with these choices where the standard leaves room:

- Get key reserves the keys for the slave; Get key with key IDs hands them over and consumes
  them: every key is delivered once to each side, a second retrieval is refused ("key already
  consumed") and the material is erased once both sides have it.
- Sizes are whole bytes (multiples of 8 bits) between ``min_key_size`` and ``max_key_size``;
  ``number`` is at most ``max_key_per_request``.
- A pool holds at most ``max_key_count`` keys of the default size; material beyond that is
  discarded (and counted) as a KME with full storage would.
- Refusals raise :class:`~qfab.kms.errors.KeyManagementError` with ETSI 014's HTTP status:
  400 for a bad request (unknown pair, bad size, unknown or consumed key ID), 401 for a key ID
  that belongs to another SAE pair (the whole batch), 503 when the pool is too small.

Key material is kept in SQLite (``sqlite3``: a file, created with mode 0600, or ``":memory:"``)
and never reaches a log record, a ``repr`` or an error message: those carry IDs, counts and
lengths only.
"""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt

from qfab.kms.errors import BAD_REQUEST, UNAUTHORIZED, UNAVAILABLE, KeyManagementError
from qfab.kms.keys import Bits, Key, KeyContainer, Status, from_bytes, to_bytes

__all__ = ["KeyStore"]

_log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pools (
    a TEXT NOT NULL, b TEXT NOT NULL,
    stored_bytes INTEGER NOT NULL DEFAULT 0,   -- deliverable bytes in the chunks
    head INTEGER NOT NULL DEFAULT 0,           -- bytes already taken from the first chunk
    pending BLOB NOT NULL DEFAULT x'',         -- fewer than 8 bits waiting for a whole byte
    added_bits INTEGER NOT NULL DEFAULT 0,
    discarded_bits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS chunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    a TEXT NOT NULL, b TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_pair ON chunks (a, b, seq);
CREATE TABLE IF NOT EXISTS keys (
    key_ID TEXT PRIMARY KEY,
    master TEXT NOT NULL, slave TEXT NOT NULL,
    size INTEGER NOT NULL,
    material BLOB,                             -- NULL once consumed
    state TEXT NOT NULL CHECK (state IN ('reserved', 'consumed'))
);
"""


def _pair(first: str, second: str) -> tuple[str, str]:
    """The pool of two nodes, whatever their order."""
    return (first, second) if first <= second else (second, first)


def _as_bits(bits: npt.ArrayLike) -> Bits:
    array = np.asarray(bits)
    if array.ndim != 1:
        raise KeyManagementError(BAD_REQUEST, "key material must be a one-dimensional bit array",
                                 {"ndim": array.ndim})
    if array.size and (array.dtype.kind not in "biu" or int(array.min()) < 0
                       or int(array.max()) > 1):
        raise KeyManagementError(BAD_REQUEST, "key material must hold only the bits 0 and 1")
    return array.astype(np.uint8, copy=False)


class KeyStore:
    """Key pools of SAE/node pairs with the ETSI GS QKD 014 calls; see the module notes.

    Parameters
    ----------
    path
        SQLite database file (created with mode 0600 when missing) or ``":memory:"``.
    key_size
        Default key size in bits (Status ``key_size``); a multiple of 8.
    max_key_count
        Most keys of ``key_size`` bits a pool holds (Status ``max_key_count``).
    max_key_per_request
        Most keys one Get key returns.
    min_key_size, max_key_size
        Bounds of a requested size in bits, multiples of 8.
    kme_ids
        KME ID of each SAE/node (Status ``source_KME_ID``, ``target_KME_ID``); a node missing
        from it is its own KME.
    new_key_id
        Source of key IDs (tests pass a deterministic one); random UUIDs by default.

    Examples
    --------
    >>> import numpy as np
    >>> store = KeyStore(key_size=64)
    >>> store.add_key_material("alice", "bob", np.ones(200, dtype=np.uint8))
    200
    >>> store.status("alice", "bob").stored_key_count
    3
    >>> keys = store.get_key("alice", "bob", number=2)
    >>> same = store.get_key_with_ids("bob", "alice", keys.key_IDs())
    >>> [k.fingerprint() for k in keys] == [k.fingerprint() for k in same]
    True
    """

    def __init__(self, path: str | os.PathLike[str] = ":memory:", *, key_size: int = 256,
                 max_key_count: int = 100_000, max_key_per_request: int = 128,
                 min_key_size: int = 8, max_key_size: int = 65_536,
                 kme_ids: Mapping[str, str] | None = None,
                 new_key_id: Callable[[], uuid.UUID] = uuid.uuid4) -> None:
        for name, value in (("key_size", key_size), ("min_key_size", min_key_size),
                            ("max_key_size", max_key_size)):
            if value <= 0 or value % 8:
                raise ValueError(f"{name} must be a positive multiple of 8, got {value}")
        if not min_key_size <= key_size <= max_key_size:
            raise ValueError(f"key_size must lie in [{min_key_size}, {max_key_size}], "
                             f"got {key_size}")
        if max_key_count < 1 or max_key_per_request < 1:
            raise ValueError("max_key_count and max_key_per_request must be at least 1")
        self.key_size = key_size
        self.max_key_count = max_key_count
        self.max_key_per_request = max_key_per_request
        self.min_key_size = min_key_size
        self.max_key_size = max_key_size
        self._kme_ids = dict(kme_ids or {})
        self._new_key_id = new_key_id
        self._path = str(path)
        if self._path != ":memory:" and not Path(self._path).exists():
            os.close(os.open(self._path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db = sqlite3.connect(self._path, isolation_level=None)
        # a store dropped without close() (a run's in-memory store) closes its database too
        self._closer = weakref.finalize(self, self._db.close)
        self._db.execute("PRAGMA secure_delete = ON")  # erased keys leave no trace in the file
        self._db.executescript(_SCHEMA)

    # -- housekeeping -------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"KeyStore(path={self._path!r}, pairs={len(self.pairs())}, key_size={self.key_size})"

    def close(self) -> None:
        """Close the database."""
        self._closer()

    def save(self, path: str | os.PathLike[str]) -> None:
        """Copy the store, keys included, into a new SQLite file that
        ``KeyStore(path)`` opens later (created with mode 0600; an existing file is refused).

        Raises
        ------
        FileExistsError
            If ``path`` exists.
        OSError
            If the file cannot be created.
        """
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        target = sqlite3.connect(str(path))
        try:
            self._db.backup(target)
        finally:
            target.close()

    def __enter__(self) -> KeyStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _kme(self, node: str) -> str:
        return self._kme_ids.get(node, node)

    @property
    def _capacity_bytes(self) -> int:
        return self.max_key_count * self.key_size // 8

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The node pairs that have a pool, each in sorted order."""
        rows = self._db.execute("SELECT a, b FROM pools ORDER BY a, b").fetchall()
        return tuple((str(a), str(b)) for a, b in rows)

    def report(self) -> list[dict[str, object]]:
        """Per pair: bits added (kept or not), discarded, stored; keys reserved and consumed.

        Lengths and counts only (never key material): what a result document may hold.
        """
        rows = self._db.execute(
            "SELECT p.a, p.b, p.added_bits, p.discarded_bits, p.stored_bytes, "
            "(SELECT count(*) FROM keys k WHERE k.state = 'reserved' AND "
            " ((k.master = p.a AND k.slave = p.b) OR (k.master = p.b AND k.slave = p.a))), "
            "(SELECT count(*) FROM keys k WHERE k.state = 'consumed' AND "
            " ((k.master = p.a AND k.slave = p.b) OR (k.master = p.b AND k.slave = p.a))) "
            "FROM pools p ORDER BY p.a, p.b").fetchall()
        return [{"pair": [a, b], "added_bits": added, "discarded_bits": discarded,
                 "available_bits": 8 * stored, "reserved_keys": reserved,
                 "consumed_keys": consumed}
                for a, b, added, discarded, stored, reserved, consumed in rows]

    def _stored_bytes(self, first: str, second: str) -> int:
        """Deliverable bytes of a pair's pool; 400 if the pair has none."""
        if not isinstance(first, str) or not isinstance(second, str) or not first or not second:
            raise KeyManagementError(BAD_REQUEST, "SAE IDs must be non-empty strings")
        if first == second:
            raise KeyManagementError(BAD_REQUEST, f"master and slave SAE are the same: {first!r}")
        row = self._db.execute("SELECT stored_bytes FROM pools WHERE a = ? AND b = ?",
                               _pair(first, second)).fetchone()
        if row is None:
            raise KeyManagementError(
                BAD_REQUEST, f"no key material is shared by SAE {first!r} and SAE {second!r}",
                {"master_SAE_ID": first, "slave_SAE_ID": second})
        return int(row[0])

    # -- feeding the pools --------------------------------------------------------------

    def add_key_material(self, master: str, slave: str, bits: npt.ArrayLike, *,
                         other_end: npt.ArrayLike | None = None) -> int:
        """Append final key bits of a QKD session (or a relay) to the pair's pool.

        Parameters
        ----------
        master, slave
            The two nodes that share the bits (their order does not matter).
        bits
            One-dimensional 0/1 array (the final key of both ends, identical bit for bit).
        other_end
            The other end's copy of the key, when the caller has both: the store refuses
            (400, nothing added) if the two differ.

        Returns
        -------
        int
            Bits kept; the rest was discarded because the pool is full (``max_key_count``).
        """
        array = _as_bits(bits)
        if other_end is not None and not np.array_equal(array, _as_bits(other_end)):
            raise KeyManagementError(BAD_REQUEST, "the two ends' keys differ: nothing added",
                                     {"master_SAE_ID": master, "slave_SAE_ID": slave})
        if not isinstance(master, str) or not isinstance(slave, str) or not master or not slave:
            raise KeyManagementError(BAD_REQUEST, "SAE IDs must be non-empty strings")
        if master == slave:
            raise KeyManagementError(BAD_REQUEST, f"master and slave SAE are the same: {master!r}")
        a, b = _pair(master, slave)
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO pools (a, b) VALUES (?, ?)", (a, b))
            stored, pending = db.execute(
                "SELECT stored_bytes, pending FROM pools WHERE a = ? AND b = ?", (a, b)).fetchone()
            room_bits = 8 * (self._capacity_bytes - int(stored)) - len(pending)
            kept = array[:max(room_bits, 0)]
            joined = np.concatenate([np.frombuffer(pending, dtype=np.uint8), kept])
            whole = len(joined) // 8 * 8
            if whole:
                db.execute("INSERT INTO chunks (a, b, data) VALUES (?, ?, ?)",
                           (a, b, to_bytes(joined[:whole])))
            db.execute("UPDATE pools SET stored_bytes = stored_bytes + ?, pending = ?, "
                       "added_bits = added_bits + ?, discarded_bits = discarded_bits + ? "
                       "WHERE a = ? AND b = ?",
                       (whole // 8, joined[whole:].tobytes(), len(array),
                        len(array) - len(kept), a, b))
        if len(kept) < len(array):
            _log.warning("key pool %s-%s full: %d bits discarded", a, b, len(array) - len(kept))
        _log.debug("key pool %s-%s: %d bits added", a, b, len(kept))
        return len(kept)

    def _take(self, db: sqlite3.Connection, a: str, b: str, count: int) -> bytes:
        """Remove ``count`` bytes from the front of a pool (inside a transaction)."""
        head = int(db.execute("SELECT head FROM pools WHERE a = ? AND b = ?",
                              (a, b)).fetchone()[0])
        parts: list[bytes] = []
        needed = count
        for seq, data in db.execute("SELECT seq, data FROM chunks WHERE a = ? AND b = ? "
                                    "ORDER BY seq", (a, b)).fetchall():
            if needed == 0:
                break
            piece = data[head:head + needed]
            parts.append(piece)
            needed -= len(piece)
            if head + len(piece) == len(data):
                db.execute("DELETE FROM chunks WHERE seq = ?", (seq,))
                head = 0
            else:
                head += len(piece)
        if needed:
            raise AssertionError("pool bookkeeping is inconsistent")  # stored_bytes was checked
        db.execute("UPDATE pools SET stored_bytes = stored_bytes - ?, head = ? "
                   "WHERE a = ? AND b = ?", (count, head, a, b))
        return b"".join(parts)

    def available_bits(self, first: str, second: str) -> int:
        """Bits a pair's pool can deliver now (whole bytes; a pending tail waits)."""
        return 8 * self._stored_bytes(first, second)

    def withdraw_bits(self, first: str, second: str, count: int) -> Bits:
        """Take ``count`` raw bits (a multiple of 8) from a pool, for a trusted relay.

        Raises 503 when the pool holds fewer.
        """
        if count < 0 or count % 8:
            raise KeyManagementError(BAD_REQUEST, "bits to withdraw must be a non-negative "
                                     f"multiple of 8, got {count}")
        with self._transaction() as db:
            stored = self._stored_bytes(first, second)
            if 8 * stored < count:
                raise KeyManagementError(UNAVAILABLE, f"the pool of {first!r} and {second!r} "
                                         f"holds {8 * stored} bits, {count} asked",
                                         {"available_bits": 8 * stored})
            data = self._take(db, *_pair(first, second), count // 8)
        _log.debug("key pool %s-%s: %d bits withdrawn", first, second, count)
        return from_bytes(data)

    # -- ETSI GS QKD 014 calls ----------------------------------------------------------

    def status(self, master: str, slave: str) -> Status:
        """ETSI 014 Get status: what ``master`` can get for ``slave``."""
        stored = self._stored_bytes(master, slave)
        return Status(source_KME_ID=self._kme(master), target_KME_ID=self._kme(slave),
                      master_SAE_ID=master, slave_SAE_ID=slave, key_size=self.key_size,
                      stored_key_count=min(8 * stored // self.key_size, self.max_key_count),
                      max_key_count=self.max_key_count,
                      max_key_per_request=self.max_key_per_request,
                      max_key_size=self.max_key_size, min_key_size=self.min_key_size)

    def get_key(self, master: str, slave: str, number: int = 1,
                size: int | None = None) -> KeyContainer:
        """ETSI 014 Get key: ``number`` new keys of ``size`` bits for ``master`` and ``slave``.

        The keys leave the pool and are reserved for the slave, who collects them with
        :meth:`get_key_with_ids`.

        Raises
        ------
        KeyManagementError
            400 for an unknown pair or a bad ``number`` or ``size``; 503 when the pool holds
            fewer bits than asked (``details`` give ``stored_key_count``).
        """
        size = self.key_size if size is None else size
        if isinstance(number, bool) or not isinstance(number, int | np.integer) or \
                not 1 <= number <= self.max_key_per_request:
            raise KeyManagementError(BAD_REQUEST, f"number must be an integer in "
                                     f"[1, {self.max_key_per_request}], got {number!r}",
                                     {"max_key_per_request": self.max_key_per_request})
        if isinstance(size, bool) or not isinstance(size, int | np.integer) or size % 8 or \
                not self.min_key_size <= size <= self.max_key_size:
            raise KeyManagementError(BAD_REQUEST, f"size must be a multiple of 8 in "
                                     f"[{self.min_key_size}, {self.max_key_size}], got {size!r}",
                                     {"min_key_size": self.min_key_size,
                                      "max_key_size": self.max_key_size})
        number, size = int(number), int(size)
        a, b = _pair(master, slave)
        with self._transaction() as db:
            stored = self._stored_bytes(master, slave)
            if 8 * stored < number * size:
                raise KeyManagementError(
                    UNAVAILABLE, f"not enough key material: {number} keys of {size} bits asked, "
                    f"{8 * stored} bits stored",
                    {"stored_key_count": min(8 * stored // self.key_size, self.max_key_count),
                     "available_bits": 8 * stored})
            data = self._take(db, a, b, number * size // 8)
            keys = []
            for i in range(number):
                material = data[i * size // 8:(i + 1) * size // 8]
                key_id = str(self._new_key_id())
                db.execute("INSERT INTO keys (key_ID, master, slave, size, material, state) "
                           "VALUES (?, ?, ?, ?, ?, 'reserved')",
                           (key_id, master, slave, size, material))
                keys.append(Key(key_id, size, _b64(material)))
        _log.info("issued %d keys of %d bits to %s for %s", number, size, master, slave)
        return KeyContainer(tuple(keys))

    def get_key_with_ids(self, slave: str, master: str, ids: Iterable[str]) -> KeyContainer:
        """ETSI 014 Get key with key IDs: the slave collects the keys the master got.

        Raises
        ------
        KeyManagementError
            400 for an unknown pair, an empty or repeated ID list, an ID that is not a UUID,
            an unknown ID or one already consumed; 401 (the whole batch) when an ID was issued
            to another master/slave pair. Nothing is consumed when any ID is refused.
        """
        self._stored_bytes(slave, master)
        wanted = [_uuid(key_id) for key_id in ids]
        if not wanted:
            raise KeyManagementError(BAD_REQUEST, "key_IDs must name at least one key")
        if len(set(wanted)) != len(wanted):
            raise KeyManagementError(BAD_REQUEST, "key_IDs name a key more than once")
        with self._transaction() as db:
            rows = []
            for key_id in wanted:
                row = db.execute("SELECT master, slave, size, material, state FROM keys "
                                 "WHERE key_ID = ?", (key_id,)).fetchone()
                if row is None:
                    raise KeyManagementError(BAD_REQUEST, f"key_ID {key_id} not found",
                                             {"key_ID": key_id})
                rows.append((key_id, *row))
            for key_id, owner, reader, *_ in rows:
                if (owner, reader) != (master, slave):
                    raise KeyManagementError(
                        UNAUTHORIZED, f"key_ID {key_id} was not issued to master SAE "
                        f"{master!r} for slave SAE {slave!r}", {"key_ID": key_id})
            for key_id, *_, state in rows:
                if state == "consumed":
                    raise KeyManagementError(BAD_REQUEST, f"key_ID {key_id}: key already consumed",
                                             {"key_ID": key_id})
            keys = tuple(Key(key_id, int(size), _b64(material))
                         for key_id, _, _, size, material, _ in rows)
            db.executemany("UPDATE keys SET state = 'consumed', material = NULL "
                           "WHERE key_ID = ?", [(key_id,) for key_id in wanted])
        _log.info("delivered %d keys to %s from %s", len(keys), slave, master)
        return KeyContainer(keys)


def _b64(material: bytes) -> str:
    return base64.b64encode(material).decode("ascii")


def _uuid(key_id: object) -> str:
    try:
        return str(uuid.UUID(str(key_id)))
    except ValueError:
        raise KeyManagementError(BAD_REQUEST, f"key_ID {key_id!r} is not a UUID") from None
