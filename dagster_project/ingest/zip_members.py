"""The CSVs of an officer delivery, read in place: bare files, or members of a reports.zip.

A ZIP is never extracted to disk: each member is streamed out of it by Python's zipfile,
decrypted with IGOT_REPORTS_ZIP_PASSWORD (the portal's ZIPs use classic ZipCrypto), and hashed
as it is read, so the SHA-256 recorded for it is that of the CSV's own bytes. A ZIP that needs
a password it was not given, or that the password does not open, stops the run with one
message naming the file (`ZipPasswordError`); the password itself is never written anywhere.
Any other ZIP that cannot be read (damaged, not a ZIP, packed with AES) holds back its delivery
only.
"""

import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dagster_project.ingest.errors import RawFileError

PASSWORD_VARIABLE = "IGOT_REPORTS_ZIP_PASSWORD"
SET_PASSWORD = (
    f"{PASSWORD_VARIABLE} set to the password the MDO portal shows beside the download "
    "(it changes every day)"
)


class ZipPasswordError(RawFileError):
    """A ZIP the run's password does not open, or no password for it: the one problem of a
    delivery that stops the whole run, since every ZIP of that day shares the password."""


@dataclass(frozen=True)
class Member:
    """One CSV of a delivery: a bare file (member None) or a member of a ZIP."""

    path: Path
    source_file: str  # the delivered file (the CSV or the ZIP), relative to the raw folder
    member: str | None  # the CSV's name inside the ZIP
    opener: Callable[[], BinaryIO]

    @property
    def file_name(self) -> str:
        """The CSV's own name, which says which report it is."""
        return PurePosixPath(self.member).name if self.member else self.path.name

    @property
    def load_name(self) -> str:
        """How raw.file_loads and raw.quarantine name it: the ZIP's path, then the member."""
        return f"{self.source_file}/{self.member}" if self.member else self.source_file

    def describe(self) -> str:
        return f"{self.source_file} (member {self.member})" if self.member else self.source_file


def csv_members(path: Path, source_file: str, password: str | None) -> list[Member]:
    """The CSVs of one delivered file: itself, or the CSV members of a ZIP."""
    if path.suffix.lower() == ".csv":
        return [Member(path, source_file, None, lambda: path.open("rb"))]
    archive = _open_zip(path, source_file)
    with archive:
        names = [
            info.filename
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".csv")
            and not _is_archiver_litter(info.filename)
        ]
        others = len([info for info in archive.infolist() if not info.is_dir()]) - len(names)
    if not names:
        # A ZIP of ZIPs, or of re-saved .xlsx files: loading nothing without a word would
        # publish the date as if no officer had been delivered.
        raise RawFileError(
            source_file,
            f"holds no CSV ({others} other file{'s' if others != 1 else ''})",
            "the reports.zip as the portal gave it, with its CSV reports",
        )
    pwd = password.encode() if password else None
    return [
        Member(path, source_file, name, _member_opener(path, source_file, name, pwd))
        for name in names
    ]


def _is_archiver_litter(name: str) -> bool:
    """A Mac's resource fork (`__MACOSX/._user-report.csv`) or another hidden file: bytes the
    archiver added, not a CSV anyone exported."""
    parts = PurePosixPath(name).parts
    return parts[0] == "__MACOSX" or PurePosixPath(name).name.startswith(".")


def check_opens(members: list[Member]) -> None:
    """Open every member once, so a missing or wrong password stops the run before any write."""
    for member in members:
        if member.member:
            with member.opener() as stream:
                stream.read(1)


def _open_zip(path: Path, source_file: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise RawFileError(
            source_file, f"is not a readable ZIP file ({err})", "the reports.zip the portal gave"
        ) from None


def _member_opener(
    path: Path, source_file: str, name: str, pwd: bytes | None
) -> Callable[[], BinaryIO]:
    def opener() -> BinaryIO:
        archive = _open_zip(path, source_file)
        try:
            stream = archive.open(name, pwd=pwd)
        # NotImplementedError is a RuntimeError: it must be caught first, or AES and other
        # compression methods would be told as a wrong password.
        except NotImplementedError as err:
            archive.close()
            raise RawFileError(
                source_file,
                f"member {name} is compressed or encrypted in a way Python cannot read ({err})",
                "the reports.zip as the portal gave it (ZipCrypto), not re-packed with AES",
            ) from None
        except RuntimeError as err:
            archive.close()
            raise _password_error(source_file, name, pwd, err) from None
        return _GuardedMember(stream, archive, source_file, name)

    return opener


def _password_error(
    source_file: str, name: str, pwd: bytes | None, err: Exception
) -> ZipPasswordError:
    if pwd is None:
        problem = f"is a password-protected ZIP (member {name}) and {PASSWORD_VARIABLE} is not set"
    elif "password" in str(err).lower():
        problem = f"is a password-protected ZIP that {PASSWORD_VARIABLE} does not open"
    else:
        problem = f"member {name} cannot be read ({err})"
    return ZipPasswordError(source_file, problem, SET_PASSWORD)


class _GuardedMember(io.RawIOBase):
    """A member's stream that turns a late decryption failure into the same one message.

    ZipCrypto checks a password against one byte, so about one wrong password in 256 passes
    the check and fails only later, as garbage the decompressor or the CRC rejects.
    """

    def __init__(self, stream, archive: zipfile.ZipFile, source_file: str, name: str) -> None:
        self._stream = stream
        self._archive = archive
        self._source_file = source_file
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError) as err:
            raise ZipPasswordError(
                self._source_file,
                f"member {self._name} does not decrypt to a valid file ({err}): "
                f"a wrong {PASSWORD_VARIABLE}, or a damaged download",
                SET_PASSWORD,
            ) from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
            self._archive.close()
        super().close()


class HashingReader(io.RawIOBase):
    """Passes a stream's bytes through, keeping their SHA-256 and line count."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._sha256 = hashlib.sha256()
        self.lines = 0
        self._last = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        if data:
            self._sha256.update(data)
            self.lines += data.count(b"\n")
            self._last = data[-1:]
            buffer[: len(data)] = data
        return len(data)

    def line_count(self) -> int:
        """Lines in the bytes read so far; a last line without a newline counts."""
        return self.lines + (1 if self._last not in (b"", b"\n") else 0)

    def hexdigest(self) -> str:
        return self._sha256.hexdigest()
