"""Officer pseudonyms: the keyed hash that stands for an officer in the warehouse.

An officer is identified by the e-mail (trimmed, lower case), else the employee id (trimmed),
else the phone's last ten digits, and becomes `officer_key` = HMAC-SHA256 of `<basis>:<value>`
with a secret that lives outside the warehouse and the repository. Without the secret a key
cannot be recomputed from a guessed e-mail; with a new secret (a lost one) every officer simply
gets a new key. The hash is computed once per distinct identifier and spread over the rows with
Arrow, and a delivery's reports share one cache (they name the same officers), so a delivery of
millions of rows costs one HMAC per officer and basis.
"""

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dagster_project.ingest.errors import RawFileError

KEY_BASES = ("email", "employee_id", "phone")  # tried in this order
SECRET_BYTES = 32


class KeyCache:
    """The keys computed so far, per basis and normalised identifier: kept across the batches
    and files of one delivery."""

    def __init__(self) -> None:
        self.by_basis: dict[str, dict[str, str]] = {}


def officer_secret(path: Path) -> bytes:
    """The installation's secret, created (readable by its owner only) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # O_EXCL: two runs starting at once must not each write a different secret.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_hex(SECRET_BYTES) + "\n")
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 2 * SECRET_BYTES:
        raise RawFileError(
            str(path),
            "is not an officer-key secret (too short)",
            "the file the pipeline wrote on first use, or no file (a new one is then made, "
            "and every officer gets a new key)",
        )
    return bytes.fromhex(secret)


def normalised_identifiers(columns: dict[str, pa.ChunkedArray | None]) -> dict[str, pa.Array]:
    """Each key basis's identifier per row, normalised, null where blank or absent."""
    normalised = {}
    for basis in KEY_BASES:
        values = columns.get(basis)
        if values is None:
            continue
        values = pc.utf8_trim_whitespace(values)
        if basis == "email":
            values = pc.utf8_lower(values)
        elif basis == "phone":
            digits = pc.replace_substring_regex(values, pattern=r"[^0-9]", replacement="")
            values = pc.utf8_slice_codeunits(digits, start=-10)
        normalised[basis] = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    return normalised


def officer_keys(
    columns: dict[str, pa.ChunkedArray | None], secret: bytes, cache: KeyCache | None = None
) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """officer_key and key_basis per row; both null for a row with no identifier at all."""
    identifiers = normalised_identifiers(columns)
    rows = len(next(iter(columns.values()))) if columns else 0
    key = pa.chunked_array([pa.nulls(rows, pa.string())])
    basis = pa.chunked_array([pa.nulls(rows, pa.string())])
    # From the last basis to the first, so the first one a row has wins.
    for name in reversed(KEY_BASES):
        values = identifiers.get(name)
        if values is None:
            continue
        present = pc.is_valid(values)
        key = pc.if_else(present, _hashed(values, name, secret, cache), key)
        basis = pc.if_else(present, pa.scalar(name), basis)
    return key, basis


def phone_keys(
    columns: dict[str, pa.ChunkedArray | None], secret: bytes, cache: KeyCache | None = None
) -> pa.ChunkedArray | pa.Array:
    """The key of each row's phone, whatever its officer_key is based on: an officer without an
    e-mail is keyed by Employee_Id in the user report but by phone in the enrolment report,
    which has no Employee_Id, and this is what joins the two within a delivery."""
    rows = len(next(iter(columns.values()))) if columns else 0
    phones = normalised_identifiers(columns).get("phone")
    if phones is None:
        return pa.nulls(rows, pa.string())
    return pc.if_else(
        pc.is_valid(phones), _hashed(phones, "phone", secret, cache), pa.scalar(None, pa.string())
    )


def officer_key(basis: str, identifier: str, secret: bytes) -> str:
    """The key of one normalised identifier: the definition. `_key_function` computes the same
    key faster for many identifiers; the tests compare the two."""
    return hmac.new(secret, f"{basis}:{identifier}".encode(), hashlib.sha256).hexdigest()


def _key_function(basis: str, secret: bytes) -> Callable[[str], str]:
    """officer_key for one basis, faster: the HMAC of the `<basis>:` prefix is computed once and
    copied for each identifier (HMAC reads its message as a stream, so the key is the same)."""
    prefixed = hmac.new(secret, f"{basis}:".encode(), hashlib.sha256)

    def key(identifier: str) -> str:
        digest = prefixed.copy()
        digest.update(identifier.encode())
        return digest.hexdigest()

    return key


def _hashed(values: pa.ChunkedArray, basis: str, secret: bytes, cache: KeyCache | None) -> pa.Array:
    """HMAC of every distinct value once, spread over the rows by dictionary index."""
    cache = KeyCache() if cache is None else cache
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries().combine_chunks() if encoded.num_chunks else None
    if encoded is None:
        return pa.array([], pa.string())
    known = cache.by_basis.setdefault(basis, {})
    key = _key_function(basis, secret)
    digests = [
        known.get(value) or known.setdefault(value, key(value))
        for value in encoded.dictionary.to_pylist()
    ]
    return pc.take(pa.array(digests, pa.string()), encoded.indices)
