"""One QKD post-processing session: raw bits and bases in, identical keys or an abort out.

Steps: sifting (:func:`qfab.qkd.sifting.sift`), parameter estimation on a random sample
(:func:`qfab.qkd.estimation.estimate_qber`), abort above the QBER limit, LDPC error
correction (:func:`qfab.qkd.reconciliation.reconcile`), verification with a universal
hash of ``ceil(log2(1/epsilon_cor))`` bits (:func:`qfab.qkd.hashing.block_tag`), privacy
amplification by Toeplitz hashing to the length of
:func:`qfab.physics.qkd.bbm92_finite_key_length` (Tomamichel et al. 2012, with the syndrome
bits actually sent as ``leak_EC``; the verification tag is the formula's ``epsilon_cor``
term), and the authentication key budget of every message sent
(:class:`qfab.qkd.authentication.AuthenticationBudget`).

The key length treats every sifted bit as coming from a single photon or a pair: it is the
entanglement-based (BBM92) or single-photon BB84 bound. For a weak coherent source the
caller gives ``key_length`` (e.g. from :func:`qfab.physics.qkd.lim2014_key_length`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics.qkd import bbm92_finite_key_length, binary_entropy
from qfab.qkd.authentication import AuthenticationBudget
from qfab.qkd.estimation import estimate_qber
from qfab.qkd.hashing import block_tag, toeplitz_hash
from qfab.qkd.reconciliation import reconcile
from qfab.qkd.sifting import Bits, sift

__all__ = ["KeyLength", "SessionConfig", "SessionResult", "run_session"]

#: ``(n, k, qber, leak_ec) -> l``: the secret length of ``n`` corrected bits.
KeyLength = Callable[[int, int, float, int], float]


@dataclass(frozen=True)
class SessionConfig:
    """Parameters of a post-processing session.

    Attributes
    ----------
    sample_fraction : float
        Share of the sifted bits disclosed for parameter estimation.
    qber_limit : float
        Abort above this estimated QBER (11 %: the BB84/BBM92 threshold).
    epsilon_sec, epsilon_cor : float
        Secrecy and correctness parameters.
    epsilon_auth : float
        Forgery probability per authenticated message.
    block_length : int
        Target LDPC block length.
    max_attempts : int
        LDPC codes tried per block.
    efficiency : float or None
        Efficiency of the first code (default: adapted to the QBER).
    """

    sample_fraction: float = 0.1
    qber_limit: float = 0.11
    epsilon_sec: float = 1e-10
    epsilon_cor: float = 1e-15
    epsilon_auth: float = 1e-12
    block_length: int = 1 << 14
    max_attempts: int = 3
    efficiency: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.sample_fraction < 1.0:
            raise ValueError(f"sample_fraction: must be in (0, 1), got {self.sample_fraction}")
        for name in ("epsilon_sec", "epsilon_cor", "epsilon_auth"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise ValueError(f"{name}: must be in (0, 1), got {value}")

    @property
    def verification_bits(self) -> int:
        """Length of the verification tag, ``ceil(log2(1/epsilon_cor))``."""
        return math.ceil(math.log2(1.0 / self.epsilon_cor))


@dataclass(frozen=True)
class SessionResult:
    """What a session produced. The keys are left out of ``repr``.

    Attributes
    ----------
    ok : bool
        Whether both parties hold the same final key.
    reason : str or None
        Why the session aborted (None on success).
    alice_key, bob_key : numpy.ndarray of uint8 or None
        The final keys (identical when ``ok``), None after an abort.
    raw_bits, sifted_bits, sampled_bits, key_bits_in : int
        Record length, sifted length, disclosed sample ``k``, and the bits that went
        through error correction ``n``.
    qber : float
        QBER estimated on the sample.
    leak_ec : int
        Syndrome bits sent.
    verification_bits : int
        Length of the verification tag.
    ec_efficiency : float
        ``leak_ec / (n h(qber))`` (nan at zero estimated QBER).
    final_key_bits : int
        Length of the final key (0 after an abort).
    authentication_key_bits : int
        Key consumed by authenticating the session's messages.
    """

    ok: bool
    reason: str | None
    raw_bits: int
    sifted_bits: int
    sampled_bits: int = 0
    key_bits_in: int = 0
    qber: float = math.nan
    leak_ec: int = 0
    verification_bits: int = 0
    ec_efficiency: float = math.nan
    final_key_bits: int = 0
    authentication_key_bits: int = 0
    alice_key: Bits | None = field(default=None, repr=False)
    bob_key: Bits | None = field(default=None, repr=False)

    @property
    def net_key_bits(self) -> int:
        """Final key minus the authentication key the session consumed."""
        return self.final_key_bits - self.authentication_key_bits


def run_session(
    alice_bits: ArrayLike, alice_bases: ArrayLike, bob_bits: ArrayLike, bob_bases: ArrayLike,
    *, rng: np.random.Generator, config: SessionConfig | None = None,
    detected: ArrayLike | None = None, key_length: KeyLength | None = None,
) -> SessionResult:
    """Post-process one raw record to identical secret keys, or abort and say why.

    Parameters
    ----------
    alice_bits, alice_bases, bob_bits, bob_bases : array_like of 0/1
        The raw record (see :func:`qfab.qkd.sifting.sift`).
    rng : numpy.random.Generator
        Public randomness: the sample, the code seed and the hash seeds.
    config : SessionConfig, optional
        Session parameters.
    detected : array_like of bool, optional
        Where Bob detected something.
    key_length : callable, optional
        ``(n, k, qber, leak_ec) -> l`` secret length; default
        :func:`qfab.physics.qkd.bbm92_finite_key_length` with the config's epsilons.

    Returns
    -------
    SessionResult
    """
    cfg = config or SessionConfig()
    auth = AuthenticationBudget(cfg.epsilon_auth)
    sifted = sift(alice_bits, alice_bases, bob_bits, bob_bases, detected)
    auth.send("bases", 2 * sifted.raw_bits)  # Bob's bases, then Alice's matches
    result = SessionResult(ok=False, reason=None, raw_bits=sifted.raw_bits,
                           sifted_bits=sifted.size)

    def abort(reason: str) -> SessionResult:
        return replace(result, reason=reason, authentication_key_bits=auth.key_bits)

    k = round(cfg.sample_fraction * sifted.size)
    if k < 1 or sifted.size - k < 2:
        return abort("too few sifted bits")
    estimate = estimate_qber(sifted.alice, sifted.bob, k, rng)
    auth.send("sample", 2 * k + sifted.size)  # positions and both parties' values
    n = int(estimate.alice.size)
    result = replace(result, sampled_bits=k, key_bits_in=n, qber=estimate.qber)
    if estimate.qber > cfg.qber_limit:
        return abort(f"estimated QBER {estimate.qber:.4f} above the limit {cfg.qber_limit}")

    code_seed = int(rng.integers(0, 2**31 - 1))
    fixed = reconcile(estimate.alice, estimate.bob, estimate.qber, seed=code_seed,
                      block_length=cfg.block_length, max_attempts=cfg.max_attempts,
                      efficiency=cfg.efficiency)
    auth.send("syndromes", fixed.leaked_bits)
    entropy = float(binary_entropy(estimate.qber))
    result = replace(result, leak_ec=fixed.leaked_bits,
                     ec_efficiency=fixed.leaked_bits / (n * entropy) if entropy > 0 else math.nan)
    if not fixed.ok:
        return abort(f"error correction failed on {fixed.failed_blocks} of {fixed.blocks} blocks")

    tag = cfg.verification_bits
    blocks = max(1, fixed.blocks)
    verify_seeds = rng.integers(0, 2, (blocks, -(-n // blocks) + tag - 1), dtype=np.uint8)
    auth.send("verification", verify_seeds.size + tag)  # the hash seeds and the tag
    result = replace(result, verification_bits=tag)
    tags = block_tag(np.stack([estimate.alice, fixed.bob]), verify_seeds, tag)
    if not np.array_equal(tags[0], tags[1]):
        return abort("verification hash differs after error correction")

    if key_length is None:
        length = float(bbm92_finite_key_length(n, k, estimate.qber, fixed.leaked_bits,
                                               epsilon_sec=cfg.epsilon_sec,
                                               epsilon_cor=cfg.epsilon_cor))
    else:
        length = float(key_length(n, k, estimate.qber, fixed.leaked_bits))
    final = math.floor(length) if length > 0 else 0
    if final <= 0:
        return abort(f"no secret key: the secure length is {length:.0f}")
    auth.send("privacy amplification seed", n + final - 1)
    if final <= auth.key_bits:
        return abort(f"final key of {final} bits does not cover the {auth.key_bits} "
                     "authentication bits")
    pa_seed = rng.integers(0, 2, n + final - 1, dtype=np.uint8)
    keys = toeplitz_hash(np.stack([estimate.alice, fixed.bob]), pa_seed, final)
    return replace(result, ok=True, final_key_bits=final, authentication_key_bits=auth.key_bits,
                   alice_key=keys[0], bob_key=keys[1])
