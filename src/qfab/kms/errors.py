"""Errors of the key management layer, shaped like the replies of ETSI GS QKD 014.

ETSI GS QKD 014 V1.1.1 (2019-02) answers a bad call with an HTTP status (400 bad request,
401 unauthorized, 503 error on the KME side) and an Error body: a required ``message`` and
optional ``details`` (name/value objects). :class:`KeyManagementError` carries the same three
parts so that the REST service can map it one to one.
"""

from __future__ import annotations

from collections.abc import Mapping

from qfab.errors import QfabError

__all__ = ["BAD_REQUEST", "UNAUTHORIZED", "UNAVAILABLE", "KeyManagementError"]

BAD_REQUEST = 400
UNAUTHORIZED = 401
UNAVAILABLE = 503


class KeyManagementError(QfabError):
    """A key request the key store refuses.

    Parameters
    ----------
    status
        The HTTP status ETSI GS QKD 014 gives this failure: 400, 401 or 503.
    message
        One line saying what is wrong (never key material).
    details
        Name/value pairs of the Error body's ``details`` (counts, sizes, key IDs).

    Examples
    --------
    >>> error = KeyManagementError(503, "not enough key material", {"stored_key_count": 0})
    >>> str(error)
    'not enough key material'
    >>> error.to_dict()
    {'message': 'not enough key material', 'details': [{'stored_key_count': 0}]}
    """

    def __init__(self, status: int, message: str,
                 details: Mapping[str, object] | None = None) -> None:
        self.status = status
        self.message = message
        self.details = dict(details or {})
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        """The ETSI 014 Error body: ``message`` and, when there are any, ``details``."""
        body: dict[str, object] = {"message": self.message}
        if self.details:
            body["details"] = [{name: value} for name, value in self.details.items()]
        return body
