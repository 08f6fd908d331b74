"""The authentication key budget of a post-processing session.

Every classical message of the session is authenticated with a Wegman-Carter tag: an
``epsilon``-almost strongly universal hash of the message (polynomial evaluation over
``GF(2^b)``: collision probability at most ``L / 2^b`` for a message of ``L`` blocks of ``b``
bits) encrypted with ``b`` fresh key bits, the hash function's own key being reused. The key
a session consumes is the sum of its tag lengths; a session is worth running when its final
key exceeds that.

Sources: M. N. Wegman, J. L. Carter, "New hash functions and their use in authentication
and set equality", J. Comput. Syst. Sci. 22, 265 (1981); B. den Boer, "A simple and key-
economical unconditional authentication scheme", J. Comput. Security 2, 65 (1993)
(polynomial hashing, ``L / 2^b``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["AuthenticationBudget", "tag_bits"]


def tag_bits(message_bits: int, epsilon: float) -> int:
    """Shortest tag ``b`` with ``ceil(message_bits / b) / 2^b <= epsilon``.

    Examples
    --------
    >>> tag_bits(10**6, 1e-12)
    55
    """
    if message_bits < 0:
        raise ValueError(f"message_bits: must be >= 0, got {message_bits}")
    if not 0.0 < epsilon < 1.0:
        raise ValueError(f"epsilon: must be in (0, 1), got {epsilon}")
    b = max(1, math.ceil(math.log2(1.0 / epsilon)))
    while math.ceil(max(message_bits, 1) / b) / 2.0 ** b > epsilon:
        b += 1
    return b


@dataclass
class AuthenticationBudget:
    """Tags of the messages of one session, and the key they consume.

    Parameters
    ----------
    epsilon : float
        Forgery probability allowed per message.
    """

    epsilon: float
    messages: list[tuple[str, int]] = field(default_factory=list)

    def send(self, what: str, message_bits: int) -> None:
        """Record one authenticated message of ``message_bits`` bits."""
        self.messages.append((what, int(message_bits)))

    @property
    def key_bits(self) -> int:
        """Key consumed: the sum of the tag lengths."""
        return sum(tag_bits(bits, self.epsilon) for _, bits in self.messages)
