"""Token-signing keys: Ed25519 key pairs in `Settings.key_dir`, generated at first run, rotated on demand.

The newest key signs; every key still in the folder verifies and is published in the JWKS, so tokens
signed before a rotation stay valid until they expire. Retiring a key (deleting its file) ends that.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def jwk(self) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(self.public, as_dict=True)
        return {**jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}


class KeyRing:
    def __init__(self, key_dir: Path) -> None:
        self.folder = key_dir / "token-signing"
        self._keys: dict[str, SigningKey] | None = None

    def _load(self) -> dict[str, SigningKey]:
        if self._keys is None:
            keys: dict[str, SigningKey] = {}
            if self.folder.is_dir():
                for path in sorted(self.folder.glob("*.pem")):
                    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
                    if not isinstance(private, Ed25519PrivateKey):
                        raise ValueError(f"Key file {path} does not hold an Ed25519 private key.")
                    keys[path.stem] = SigningKey(path.stem, private)
            self._keys = keys
        return self._keys

    def keys(self) -> list[SigningKey]:
        return list(self._load().values())

    def current(self) -> SigningKey:
        """The signing key: the newest; one is generated if the folder holds none (first run)."""
        keys = self._load()
        if not keys:
            return self.rotate()
        return keys[max(keys)]

    def get(self, kid: str) -> SigningKey | None:
        return self._load().get(kid)

    def rotate(self) -> SigningKey:
        """Generate a new key, which signs from now on; older keys still verify."""
        kid = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
        private = Ed25519PrivateKey.generate()
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        path = self.folder / f"{kid}.pem"
        data = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        self._keys = None
        return SigningKey(kid, private)

    def retire(self, kid: str) -> None:
        (self.folder / f"{kid}.pem").unlink()
        self._keys = None

    def jwks(self) -> dict[str, Any]:
        self.current()
        return {"keys": [k.jwk() for k in self.keys()]}
