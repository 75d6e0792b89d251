"""Multibase (base58btc, prefix `z`) and Multikey encodings of Ed25519 keys, as Data Integrity uses them.

A Multikey is the multicodec prefix of the key type followed by the raw key bytes, in multibase: the
ed25519-pub prefix is 0xed 0x01, ed25519-priv is 0x80 0x26 (both unsigned varints). Only base58btc is
read or written: it is the one encoding the EdDSA cryptosuites allow for proofValue and keys.
"""

from __future__ import annotations

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

BASE58BTC = "z"
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
KEY_BYTES = 32


class MultibaseError(ValueError):
    """A value that is not what it claims: wrong multibase prefix, bad base58 or the wrong key type."""


def encode_base58btc(data: bytes) -> str:
    return BASE58BTC + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    if not value.startswith(BASE58BTC):
        raise MultibaseError(f"expected multibase base58btc (starting with 'z'), got {value[:8]!r}")
    try:
        return base58.b58decode(value[1:])
    except ValueError as error:
        raise MultibaseError(f"not base58btc: {error}") from None


def _key_bytes(value: str, prefix: bytes, what: str) -> bytes:
    raw = decode_base58btc(value)
    if not raw.startswith(prefix) or len(raw) != len(prefix) + KEY_BYTES:
        raise MultibaseError(f"not an {what} Multikey (multicodec 0x{prefix.hex()} followed by {KEY_BYTES} bytes)")
    return raw[len(prefix) :]


def public_multikey(key: Ed25519PublicKey) -> str:
    """The `publicKeyMultibase` of a key (z6Mk...)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return encode_base58btc(ED25519_PUB + raw)


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_key_bytes(value, ED25519_PUB, "Ed25519 public"))


def private_key_from_multikey(value: str) -> Ed25519PrivateKey:
    """Read a `secretKeyMultibase` (z3u2...): the W3C test vectors give their key pair this way."""
    return Ed25519PrivateKey.from_private_bytes(_key_bytes(value, ED25519_PRIV, "Ed25519 private"))
