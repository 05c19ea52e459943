"""Signed results: kaohe keygen, score --sign, verify --key; bad keys are clear errors."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.manifest import MANIFEST, SIGNATURE


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    result = CliRunner().invoke(main, ["keygen", str(folder / "office")])
    assert result.exit_code == 0, result.output
    return folder / "office"


@pytest.fixture
def signed(keys: Path, tmp_path: Path) -> Path:
    shutil.copy(COUNTY, tmp_path / COUNTY.name)
    shutil.copytree(COUNTY.with_suffix(""), tmp_path / COUNTY.stem)
    out = tmp_path / "out"
    args = ["score", str(tmp_path / COUNTY.name), "--out", str(out), "--sign", str(keys)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def verify(out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", str(out), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["keygen", str(tmp_path / "k")])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    assert (tmp_path / "k").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert (tmp_path / "k.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert f"wrote {tmp_path / 'k'} (private key: keep it to yourself)" in result.output
    assert "key fingerprint (sha256): " in result.output


def test_keygen_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "k.pub").write_text("mine")
    result = CliRunner().invoke(main, ["keygen", str(tmp_path / "k")])
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'k.pub'}: exists; kaohe keygen never overwrites a key file" in (
        result.output
    )
    assert not (tmp_path / "k").exists()
    assert (tmp_path / "k.pub").read_text() == "mine"


def test_a_signed_result_verifies_with_its_key(signed: Path, keys: Path) -> None:
    assert (signed / SIGNATURE).is_file()
    code, output = verify(signed, "--key", f"{keys}.pub")
    assert code == 0, output
    assert output == (
        "ok: the inputs scored again give every value of every file; signed with the key given\n"
    )


def test_a_consistent_edit_of_the_manifest_breaks_the_signature(signed: Path, keys: Path) -> None:
    shutil.rmtree(signed.parent / COUNTY.stem)  # not even the inputs are at hand
    info = json.loads((signed / MANIFEST).read_text(encoding="utf-8"))
    info["as_of"] = "2019-06-30"
    (signed / MANIFEST).write_text(json.dumps(info), encoding="utf-8")
    code, output = verify(signed, "--key", f"{keys}.pub")
    assert code == 1
    assert output.splitlines()[1] == (
        "manifest.json: does not match its signature in manifest.sig; the manifest was changed "
        "after it was signed"
    )


def test_another_key_or_no_signature_is_refused(signed: Path, tmp_path: Path) -> None:
    CliRunner().invoke(main, ["keygen", str(tmp_path / "other")])
    code, output = verify(signed, "--key", str(tmp_path / "other.pub"))
    assert code == 1
    assert output.startswith("manifest.sig: made with the key ")
    assert ", not with the key given (" in output
    (signed / SIGNATURE).unlink()
    code, output = verify(signed, "--key", str(tmp_path / "other.pub"))
    assert code == 1
    assert output.startswith("manifest.sig: missing; the result is not signed")
    (signed / SIGNATURE).write_text("{not json")
    code, output = verify(signed, "--key", str(tmp_path / "other.pub"))
    assert output.startswith("manifest.sig: not a signature file of kaohe")


def test_a_signed_result_is_replaced_by_the_next_run(signed: Path, keys: Path) -> None:
    scheme = signed.parent / COUNTY.name
    result = CliRunner().invoke(main, ["score", str(scheme), "--out", str(signed)])
    assert result.exit_code == 0, result.output
    assert not (signed / SIGNATURE).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello", "not a private key in PEM form; expected the private key that kaohe keygen"),
        (None, "not a private key in PEM form"),  # the public key given to --sign
    ],
)
def test_a_bad_signing_key_is_a_clear_error_before_anything_runs(
    keys: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    key = tmp_path / "key"
    key.write_bytes(content if content is not None else Path(f"{keys}.pub").read_bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(COUNTY), "--out", str(out), "--sign", str(key)])
    assert result.exit_code == 1
    assert result.output == f"Error: {key}: {message}" + result.output.split(message)[1]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_other_kinds_of_keys_are_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    other = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "ec").write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    locked = ed25519.Ed25519PrivateKey.generate()
    (tmp_path / "locked").write_bytes(
        locked.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    for name, message in (
        ("ec", "a key of another kind (ECPrivateKey); expected an Ed25519 private key"),
        ("locked", "the private key is protected by a password"),
    ):
        args = ["score", str(COUNTY), "--sign", str(tmp_path / name), "--out", str(tmp_path / "o")]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1
        assert message in result.output


def test_a_bad_public_key_is_a_clear_error(signed: Path, tmp_path: Path) -> None:
    (tmp_path / "junk.pub").write_text("junk")
    code, output = verify(signed, "--key", str(tmp_path / "junk.pub"))
    assert code == 1
    assert output == (
        f"Error: {tmp_path / 'junk.pub'}: not a public key in PEM form; expected the .pub file "
        "of kaohe keygen\n"
    )


def test_a_plain_score_does_not_import_cryptography(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom kaohe.cli import main\n"
        f"try:\n    main(['score', {str(COUNTY)!r}, '--out', {str(tmp_path / 'o')!r}])\n"
        "except SystemExit:\n    pass\n"
        "print('cryptography' in sys.modules)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert found.stdout.strip().endswith("False"), found.stdout + found.stderr
