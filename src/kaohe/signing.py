"""Signed results: an Ed25519 signature of ``manifest.json`` that any edit breaks.

The manifest holds the sha256 of every output and input file; signing its
exact bytes therefore seals the whole result. Someone who edits a file and
writes its new hash into the manifest ("a consistent edit") still breaks the
signature, which only the holder of the private key can make again.

- ``kaohe keygen KEY`` (:func:`generate`) writes a key pair: the private key
  ``KEY`` (PEM, PKCS #8, unencrypted, mode 0600: readable by its owner only)
  and the public key ``KEY.pub`` (PEM, SubjectPublicKeyInfo) to hand out.
  Existing files are never overwritten.
- ``kaohe score --sign KEY`` writes ``manifest.sig`` beside the manifest
  (:meth:`Signer.sign`): JSON with the algorithm, the public key's
  fingerprint and the base64 signature of ``manifest.json``'s bytes.
- ``kaohe verify --key KEY.pub`` (:func:`check`) refuses a folder whose
  ``manifest.sig`` is missing, was made with another key or does not match
  ``manifest.json``.

The ``cryptography`` package does the cryptography; it is imported only
when a key is made, read or used, never by an ordinary ``kaohe score``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .errors import SigningError
from .i18n import N_, _
from .values import Holder

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

ALGORITHM = "Ed25519"
PUBLIC_SUFFIX = ".pub"


def _raw(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    """The sha256 of the public key's 32 raw bytes, in hex: how a manifest.sig names its key."""
    return hashlib.sha256(_raw(key)).hexdigest()


@attrs.frozen(repr=False, eq=False)
class Signer(Holder):
    """A private key read from a file, ready to sign manifests."""

    key: Ed25519PrivateKey = attrs.field(repr=False)
    path: str

    def sign(self, manifest: bytes) -> bytes:
        """The ``manifest.sig`` of ``manifest`` (the exact bytes of manifest.json)."""
        signature = base64.b64encode(self.key.sign(manifest)).decode("ascii")
        content = {
            "algorithm": ALGORITHM,
            "key": fingerprint(self.key.public_key()),
            "signature": signature,
        }
        return (json.dumps(content, indent=2, sort_keys=True) + "\n").encode("ascii")


def generate(path: str | Path) -> tuple[Path, Path]:
    """Write a new key pair: the private key at ``path`` (mode 0600), the public at ``path.pub``.

    Refuses (SigningError) when either file exists; writes both or neither.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private_path = Path(path)
    public_path = private_path.with_name(private_path.name + PUBLIC_SUFFIX)
    for existing in (private_path, public_path):
        if os.path.lexists(existing):
            raise SigningError(
                _("{file}: exists; kaohe keygen never overwrites a key file").format(file=existing)
            )
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    written: list[Path] = []
    try:
        for target, content, mode in ((private_path, private, 0o600), (public_path, public, 0o666)):
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            written.append(target)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(content)
    except OSError as error:
        for target in written:
            target.unlink(missing_ok=True)
        raise SigningError(
            _("{file}: cannot write the key ({reason})").format(
                file=error.filename, reason=error.strerror
            )
        ) from None
    return private_path, public_path


def _read(path: str | Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SigningError(
            _("{file}: cannot read the {what} ({reason})").format(
                file=path, what=_(what), reason=error.strerror
            )
        ) from None


def load_signer(path: str | Path) -> Signer:
    """The private key at ``path`` (from ``kaohe keygen``); SigningError if it is not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    content = _read(path, N_("private key"))
    try:
        key = serialization.load_pem_private_key(content, password=None)
    except TypeError:
        raise SigningError(
            _(
                "{file}: the private key is protected by a password; use a key made by kaohe keygen"
            ).format(file=path)
        ) from None
    except (ValueError, binascii.Error):
        raise SigningError(
            _(
                "{file}: not a private key in PEM form; expected the private key that "
                "kaohe keygen wrote (not the .pub file)"
            ).format(file=path)
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(
            _("{file}: a key of another kind ({kind}); expected an {algorithm} private key").format(
                file=path, kind=type(key).__name__, algorithm=ALGORITHM
            )
        )
    return Signer(key, str(path))


def load_public(path: str | Path) -> Ed25519PublicKey:
    """The public key at ``path`` (``KEY.pub`` of ``kaohe keygen``); SigningError if not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    content = _read(path, N_("public key"))
    try:
        key = serialization.load_pem_public_key(content)
    except (ValueError, binascii.Error):
        raise SigningError(
            _(
                "{file}: not a public key in PEM form; expected the .pub file of kaohe keygen"
            ).format(file=path)
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(
            _("{file}: a key of another kind ({kind}); expected an {algorithm} public key").format(
                file=path, kind=type(key).__name__, algorithm=ALGORITHM
            )
        )
    return key


def check(key: Ed25519PublicKey, manifest: bytes, signature: bytes | None) -> list[str]:
    """The problems of ``signature`` (manifest.sig's bytes; None: absent); [] = valid."""
    from cryptography.exceptions import InvalidSignature

    if signature is None:
        return [
            _("manifest.sig: missing; the result is not signed (kaohe score --sign KEY signs it)")
        ]
    try:
        content = json.loads(signature.decode("utf-8"))
        algorithm, made_by = content["algorithm"], content["key"]
        value = base64.b64decode(content["signature"], validate=True)
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, binascii.Error):
        return [
            _(
                "manifest.sig: not a signature file of kaohe (expected JSON with algorithm, "
                "key and signature)"
            )
        ]
    if algorithm != ALGORITHM:
        return [
            _("manifest.sig: algorithm {algorithm!r}; expected {expected}").format(
                algorithm=algorithm, expected=ALGORITHM
            )
        ]
    expected = fingerprint(key)
    if made_by != expected:
        return [
            _("manifest.sig: made with the key {made_by}, not with the key given ({given})").format(
                made_by=str(made_by)[:64], given=expected
            )
        ]
    try:
        key.verify(value, manifest)
    except InvalidSignature:
        return [
            _(
                "manifest.json: does not match its signature in manifest.sig; the manifest was "
                "changed after it was signed"
            )
        ]
    return []
