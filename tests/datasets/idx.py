"""Helpers of the dataset tests: IDX gzip files (synthetic or altered), checks, a closed port."""

import gzip
import hashlib
import socket
import struct

import numpy as np

from mlkit.datasets._files import IMAGES_MAGIC, LABELS_MAGIC, FileSpec

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def idx_bytes(array, magic=None, shape=None):
    """The uncompressed IDX bytes of a uint8 array (header values overridable to break it)."""
    array = np.asarray(array, dtype=np.uint8)
    if magic is None:
        magic = IMAGES_MAGIC if array.ndim == 3 else LABELS_MAGIC
    shape = array.shape if shape is None else shape
    return struct.pack(f">{1 + len(shape)}I", magic, *shape) + array.tobytes()


def gz(data):
    """``data`` gzip-compressed, reproducibly (fixed timestamp)."""
    return gzip.compress(data, mtime=0)


def debian_style(upstream):
    """An upstream .gz file rewritten as Debian does: no stored file name, another timestamp.

    The deflate stream is kept as it is, so the decompressed data are unchanged.
    """
    flags = upstream[3]
    assert upstream[:3] == b"\x1f\x8b\x08" and flags == 0x08, "expected a header with FNAME only"
    name_end = upstream.index(b"\x00", 10)
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 1_591_347_949) + upstream[8:10]
    return header + upstream[name_end + 1:]


def synthetic_dataset(seed=0):
    """Four small IDX files shaped like MNIST's (5 and 3 images), with their FileSpecs.

    Returns:
        ``(arrays, files, specs)``: the four arrays, a dict from file name to .gz
        bytes, and the tuple of four FileSpecs to put in a DatasetSpec.
    """
    rng = np.random.default_rng(seed)
    arrays = (rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
              rng.integers(0, 10, 5, dtype=np.uint8),
              rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
              rng.integers(0, 10, 3, dtype=np.uint8))
    files, specs = {}, []
    for name, array in zip(NAMES, arrays, strict=True):
        raw = idx_bytes(array)
        files[name] = gz(raw)
        specs.append(FileSpec(name, array.shape, len(raw), hashlib.sha256(raw).hexdigest()))
    return arrays, files, tuple(specs)


def write_files(folder, files):
    """Write ``files`` (name -> bytes) into ``folder``, created if needed; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def assert_loaded(data, arrays):
    """``data``, as returned by a loader, holds exactly the four uint8 ``arrays``."""
    (x_train, y_train), (x_test, y_test) = data
    for loaded, expected in zip([x_train, y_train, x_test, y_test], arrays, strict=True):
        assert loaded.dtype == np.uint8
        np.testing.assert_array_equal(loaded, expected)


def closed_port_url():
    """A base URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
