"""A minimal writer of password-protected ZIP files with traditional PKWARE encryption.

iGOT's MDO portal hands out `reports.zip` encrypted with "ZipCrypto", the classic PKWARE
stream cipher (APPNOTE.TXT section 6.1). Python's zipfile can read such files but not write
them, and Info-ZIP's `zip -P` draws its 12-byte encryption header from the clock and the
process id, so its output differs on every run. This writer derives the header from a caller's
seed instead: the same members, password and seed give the same bytes, which the generator's
determinism needs.

The cipher: three 32-bit keys start at fixed values and are stirred by each password byte and
then by each plaintext byte (CRC-32 steps and a linear congruence); every byte is XORed with a
keystream byte taken from the third key. Each member's data starts with a 12-byte header, 11
arbitrary bytes and the high byte of the member's CRC-32, which readers check to tell a wrong
password. The cipher is sequential (each key depends on all earlier plaintext), so this pure
Python loop runs at about 1-2 MB of compressed data a second: fine for the small and medium
sizes, which is why the Bihar-scale size defaults to bare CSVs. ZIP64 is not written; members
and archives must stay under 4 GiB.
"""

import datetime as dt
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from synth.randomness import stream


def _crc_table() -> tuple[int, ...]:
    """The CRC-32 table (polynomial 0xEDB88320) the cipher's key updates step with."""
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_CRC_TABLE = _crc_table()
_ENCRYPTED = 0x1
_UTF8_NAMES = 0x800
_DEFLATED = 8
_VERSION = 20  # 2.0: deflate and traditional encryption
_LIMIT = 0xFFFFFFFF


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


def _initial_keys(password: bytes) -> list[int]:
    keys = [0x12345678, 0x23456789, 0x34567890]
    for byte in password:
        _update(keys, byte)
    return keys


def _update(keys: list[int], byte: int) -> None:
    table = _CRC_TABLE
    k0 = (keys[0] >> 8) ^ table[(keys[0] ^ byte) & 0xFF]
    k1 = (((keys[1] + (k0 & 0xFF)) & 0xFFFFFFFF) * 134775813 + 1) & 0xFFFFFFFF
    k2 = (keys[2] >> 8) ^ table[(keys[2] ^ (k1 >> 24)) & 0xFF]
    keys[0], keys[1], keys[2] = k0, k1, k2


def encrypt(plain: bytes, password: bytes, header: bytes) -> bytes:
    """The 12-byte encryption header followed by the data, both encrypted.

    The key updates are inlined in the loop: this function is where the time goes."""
    k0, k1, k2 = _initial_keys(password)
    table = _CRC_TABLE
    out = bytearray(len(header) + len(plain))
    position = 0
    for chunk in (header, plain):
        for byte in chunk:
            temp = (k2 | 2) & 0xFFFF
            out[position] = byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF)
            position += 1
            k0 = (k0 >> 8) ^ table[(k0 ^ byte) & 0xFF]
            k1 = (((k1 + (k0 & 0xFF)) & 0xFFFFFFFF) * 134775813 + 1) & 0xFFFFFFFF
            k2 = (k2 >> 8) ^ table[(k2 ^ (k1 >> 24)) & 0xFF]
    return bytes(out)


def _dos_time(moment: dt.datetime) -> tuple[int, int]:
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date = ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day
    return time, date


def _check_size(name: str, size: int) -> None:
    if size > _LIMIT:
        raise ValueError(f"{name}: {size:,} bytes is more than a ZIP without ZIP64 can hold")


def write_encrypted_zip(
    path: Path, members: list[Member], password: str, modified: dt.datetime, seed: tuple
) -> int:
    """Write a ZIP of deflated, ZipCrypto-encrypted members; returns its size in bytes.

    `seed` keys the random stream of the encryption headers (one per member)."""
    rng = stream(*seed, "zipcrypto")
    secret = password.encode("utf-8")
    time, date = _dos_time(modified)
    local_parts: list[bytes] = []
    central_parts: list[bytes] = []
    offset = 0
    for member in members:
        name = member.name.encode("utf-8")
        flags = _ENCRYPTED | (0 if name.isascii() else _UTF8_NAMES)
        crc = zlib.crc32(member.data)
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        compressed = compressor.compress(member.data) + compressor.flush()
        header = bytes(rng.getrandbits(8) for _ in range(11)) + bytes([crc >> 24])
        body = encrypt(compressed, secret, header)
        _check_size(member.name, len(member.data))
        _check_size(member.name, offset + len(body))
        fields = (_VERSION, flags, _DEFLATED, time, date, crc, len(body), len(member.data))
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, len(name), 0) + name
        central = (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                _VERSION,  # made by: MS-DOS attributes, spec 2.0
                *fields,
                len(name),
                0,  # extra field length
                0,  # comment length
                0,  # disk number
                0,  # internal attributes
                0,  # external attributes
                offset,
            )
            + name
        )
        local_parts += [local, body]
        central_parts.append(central)
        offset += len(local) + len(body)
    directory = b"".join(central_parts)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0
    )
    with path.open("wb") as f:
        for part in local_parts:
            f.write(part)
        f.write(directory)
        f.write(end)
    return path.stat().st_size
