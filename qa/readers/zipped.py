"""Opening ZIP-packaged documents (.docx, .pptx, .xlsx, .odt, .epub) with errors that say what is wrong.

A password-protected Office file is not a ZIP at all but an OLE compound file holding an ``EncryptedPackage``
stream; an old binary .doc/.xls/.ppt renamed is an OLE file too.  Both are recognised from their first bytes."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

from lxml import etree

from qa.readers import ReadError

#: First bytes of an OLE compound file (password-protected Office files, old .doc/.xls/.ppt).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

#: Largest total size a package may unpack to; a few MB of compressed XML can otherwise expand to gigabytes.
MAX_UNPACKED_BYTES = 1024 * 2**20

_OLD_FORMATS = {".docx": ".doc", ".xlsx": ".xls", ".pptx": ".ppt"}


def suffix_of(name: str) -> str:
    return PurePath(name).suffix.lower() or "file"


def damaged(name: str, problem: object) -> ReadError:
    """The error for a file that is not what its suffix says."""
    suffix = suffix_of(name)
    return ReadError(f"{name} is not a valid {suffix} (a damaged file?): {problem}")


def encrypted(name: str) -> ReadError:
    return ReadError(f"{name} is encrypted: save it without a password and add it again")


def open_package(data: bytes, name: str) -> zipfile.ZipFile:
    """The file's ZIP package, or a ReadError saying it is encrypted, an old binary format, damaged or too large."""
    suffix = suffix_of(name)
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise encrypted(name)
        old = _OLD_FORMATS.get(suffix, "an old binary Office format")
        raise ReadError(f"{name} is an old binary Office file ({old}), not {suffix}: open it and save it as {suffix}")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError, EOFError) as exc:
        raise damaged(name, f"not a ZIP package ({exc})") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError(f"{name} unpacks to {unpacked / 2**20:.0f} MiB, over the {MAX_UNPACKED_BYTES / 2**20:.0f} MiB "
                        f"limit for packaged documents: split it into smaller files")
    return package


def read_member(package: zipfile.ZipFile, member: str, name: str) -> bytes:
    """One file of the package; a missing or unreadable one means the package is damaged."""
    try:
        return package.read(member)
    except KeyError as exc:
        raise damaged(name, f"it has no {member}") from exc
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, OSError, EOFError) as exc:  # CRC, truncation
        raise damaged(name, f"{member} cannot be unpacked ({exc})") from exc


def parse_xml(data: bytes, name: str, member: str) -> etree._Element:
    """Parse XML without fetching anything or expanding entities (no network, no DTDs, no entity bombs)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise damaged(name, f"{member} is not well-formed XML ({exc})") from exc


@contextmanager
def damage_reported(name: str) -> Iterator[None]:
    """Any error of the parsing libraries inside becomes a ReadError saying the file is damaged."""
    try:
        yield
    except ReadError:
        raise
    except Exception as exc:  # zlib, lxml, and the libraries' own errors: a damaged file must not stop the run
        raise damaged(name, exc) from exc
