"""The gzip-compressed IDX files of MNIST-like datasets: what each must hold, and reading one.

A file is checked by its *decompressed* bytes (size and SHA-256), not by the
``.gz`` bytes: repackaged copies, such as those of Debian's
``dataset-fashion-mnist``, rewrite the gzip header (file name, timestamp)
and so differ as ``.gz`` files while holding exactly the same data.
"""

import gzip
import hashlib
import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes in 3 dimensions (count, rows, cols)
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes in 1 dimension (count,)


class DataFileError(OSError):
    """A data file is missing, damaged or not the expected one, or could not be downloaded.

    It subclasses :class:`OSError`, so ``except OSError`` catches it together with
    the other ways of failing to read a file or to reach a server. The message
    names the file, says what was expected (decompressed size and SHA-256) and
    what was found, and how to get a good copy.
    """


@dataclass(frozen=True)
class FileSpec:
    """One gzip-compressed IDX file and what its decompressed bytes must be.

    Attributes:
        name: file name, the same in every data folder and on every mirror.
        shape: shape of the array it holds, (count, rows, cols) for images or (count,) for labels.
        size: number of decompressed bytes, the IDX header included.
        sha256: SHA-256 of the decompressed bytes, as 64 hex digits.
    """

    name: str
    shape: tuple[int, ...]
    size: int
    sha256: str

    @property
    def magic(self):
        """The IDX magic number the file must start with."""
        return IMAGES_MAGIC if len(self.shape) == 3 else LABELS_MAGIC

    def describe(self):
        """What the file must hold, in words, for error messages."""
        kind = "images" if len(self.shape) == 3 else "labels"
        return (f"gzip-compressed IDX {kind} of shape {self.shape}, {self.size:,} bytes "
                f"with SHA-256 {self.sha256} once decompressed")


class InvalidDataError(ValueError):
    """Raised by :func:`parse_idx_gz` with a description of what was found instead."""


def parse_idx_gz(compressed, spec):
    """Decompress and check one IDX file's bytes; return its array.

    Args:
        compressed: the bytes of the ``.gz`` file.
        spec: the :class:`FileSpec` the data must match.

    Returns:
        A writable uint8 array of shape ``spec.shape``.

    Raises:
        InvalidDataError: the bytes do not decompress, or their IDX header, size or
            SHA-256 is not the one expected; the message says what was found.
    """
    if not compressed:
        raise InvalidDataError("an empty file")
    try:
        data = gzip.decompress(compressed)
    except EOFError as error:
        raise InvalidDataError(f"{len(compressed):,} bytes whose gzip stream ends early "
                               f"(a truncated file)") from error
    except (OSError, zlib.error) as error:
        raise InvalidDataError(f"{len(compressed):,} bytes that do not decompress "
                               f"({error})") from error
    header_size = 4 + 4 * len(spec.shape)
    problem = _header_problem(data, spec, header_size)
    if problem:
        raise InvalidDataError(problem)
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != spec.size or digest != spec.sha256:
        raise InvalidDataError(f"{len(data):,} bytes with SHA-256 {digest} once decompressed")
    # Copy, so that the array owns writable memory (np.frombuffer of bytes is read-only).
    return np.frombuffer(data, np.uint8, offset=header_size).reshape(spec.shape).copy()


def _header_problem(data, spec, header_size):
    """What is wrong with the IDX header of ``data`` (decompressed), or "" if nothing."""
    if len(data) < header_size:
        return f"{len(data):,} bytes once decompressed, too few for an IDX header"
    magic, *dims = struct.unpack(f">{1 + len(spec.shape)}I", data[:header_size])
    if magic != spec.magic:
        return f"the IDX magic number {magic} instead of {spec.magic}"
    if tuple(dims) != spec.shape:
        return f"an IDX header announcing shape {tuple(dims)} instead of {spec.shape}"
    if len(data) - header_size != math.prod(spec.shape):
        return (f"{len(data) - header_size:,} bytes of data after the IDX header "
                f"instead of {math.prod(spec.shape):,}")
    return ""


def read_idx_gz(path, spec, remedy):
    """Read the gzip-compressed IDX file ``path`` and check it against ``spec``.

    Args:
        path: the ``.gz`` file.
        spec: the :class:`FileSpec` its data must match.
        remedy: a sentence or two for the error message, on how to get a good copy.

    Returns:
        A writable uint8 array of shape ``spec.shape``.

    Raises:
        DataFileError: the file is missing, unreadable or not the expected data.
    """
    path = Path(path)
    try:
        compressed = path.read_bytes()
    except FileNotFoundError as error:
        raise _error("Missing data file", path, spec, "no such file", remedy) from error
    except OSError as error:
        raise _error("Cannot read data file", path, spec, str(error), remedy) from error
    try:
        return parse_idx_gz(compressed, spec)
    except InvalidDataError as error:
        raise _error("Damaged or wrong data file", path, spec, str(error), remedy) from error


def _error(title, path, spec, found, remedy):
    """A DataFileError whose message says what was expected and what was found."""
    return DataFileError(f"{title} {path}\n  expected: {spec.describe()}\n  found: {found}\n"
                         f"{remedy}")
