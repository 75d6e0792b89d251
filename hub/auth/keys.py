"""Token-signing keys: Ed25519 key pairs in `Settings.key_dir`, generated at first run, rotated on demand.

The newest key signs; every key still in the folder verifies and is published in the JWKS, so tokens
signed before a rotation stay valid until they expire. Retiring a key (deleting its file) ends that.

The folder is the truth, not the process: `cfhub token rotate-key` and `retire-key` run in another process
than the server, so the ring lists the folder on every use (one small directory read) and parses only the
files it has not seen. A rotated key signs and is served at once; a retired key stops verifying at once.
Key files are written under a temporary name and renamed, so a reader never sees half a key.
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
SUFFIX = ".pem"


class KeyRingError(Exception):
    """A refused key operation (unknown kid, retiring the signing key); the message says why."""


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
    def __init__(
        self, key_dir: Path, name: str = "token-signing", rotate_command: str = "cfhub token rotate-key"
    ) -> None:
        """`name`: the folder under `key_dir`; the hub's signing identity keeps its own ring (hub/integrity).
        `rotate_command`: the command that rotates this ring, named when a retirement is refused."""
        self.folder = key_dir / name
        self.rotate_command = rotate_command
        self._keys: dict[str, SigningKey] = {}

    def _kids(self) -> list[str]:
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        return sorted(name[: -len(SUFFIX)] for name in names if name.endswith(SUFFIX) and not name.startswith("."))

    def _load(self) -> dict[str, SigningKey]:
        """The keys now in the folder: files seen before are kept parsed, new ones read, deleted ones dropped."""
        kids = self._kids()
        if list(self._keys) != kids:
            self._keys = {kid: self._keys.get(kid) or self._read(kid) for kid in kids}
        return self._keys

    def _read(self, kid: str) -> SigningKey:
        path = self.folder / f"{kid}{SUFFIX}"
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"Key file {path} does not hold an Ed25519 private key.")
        return SigningKey(kid, private)

    def keys(self) -> list[SigningKey]:
        return list(self._load().values())

    def kids(self) -> list[str]:
        """The key ids in the folder, oldest first: the last one signs."""
        return list(self._load())

    def current(self) -> SigningKey:
        """The signing key: the newest (kids start with their creation time); one is generated if the folder
        holds none (first run)."""
        keys = self._load()
        if not keys:
            return self.rotate()
        return keys[max(keys)]

    def get(self, kid: str) -> SigningKey | None:
        return self._load().get(kid)

    def rotate(self) -> SigningKey:
        """Generate a new key, which signs from now on; older keys still verify until retired."""
        kid = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
        private = Ed25519PrivateKey.generate()
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        data = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        partial = self.folder / f".{kid}{SUFFIX}.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.rename(partial, self.folder / f"{kid}{SUFFIX}")
        return SigningKey(kid, private)

    def retire(self, kid: str) -> None:
        """Delete a key: tokens it signed stop verifying at once. The signing key cannot be retired (rotate
        first), so the ring is never left empty."""
        keys = self._load()
        if kid not in keys:
            raise KeyRingError(f"no signing key {kid!r} in {self.folder}")
        if kid == max(keys):
            raise KeyRingError(f"{kid} is the current signing key; rotate first ({self.rotate_command})")
        (self.folder / f"{kid}{SUFFIX}").unlink()
        self._keys.pop(kid, None)

    def jwks(self) -> dict[str, Any]:
        self.current()
        return {"keys": [k.jwk() for k in self.keys()]}
