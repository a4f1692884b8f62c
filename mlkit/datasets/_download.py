"""Downloading a data file into the cache, from the first mirror that serves a good copy.

Each download goes to a temporary file next to its destination, is checked
(decompressed size and SHA-256), and only then renamed into place: an
interrupted, truncated or corrupt download never stays in the cache, and two
processes downloading the same file at once cannot see each other's half.
"""

import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from mlkit.datasets._files import DataFileError, InvalidDataError, parse_idx_gz

MIRRORS_ENV = "MLKIT_DATA_MIRRORS"
TIMEOUT = 30  # seconds to wait for the server to connect or to send the next bytes
_CHUNK = 1 << 16


def mirrors_from_env(default):
    """The base URLs in ``$MLKIT_DATA_MIRRORS`` (space-separated), or ``default`` if unset."""
    return tuple(os.environ.get(MIRRORS_ENV, "").split()) or tuple(default)


def download(spec, dest, *, mirrors, remedy, timeout=TIMEOUT):
    """Download the file ``spec`` to ``dest``, trying ``mirrors`` in order; return its array.

    Args:
        spec: the :class:`~mlkit.datasets._files.FileSpec` of the file.
        dest: where the checked file is stored; its folder is created if needed.
        mirrors: base URLs; the file's URL is a base URL followed by ``spec.name``.
        remedy: how else to get the data, for the error message.
        timeout: seconds to wait for a server before giving up on a mirror.

    Returns:
        The file's uint8 array, of shape ``spec.shape``.

    Raises:
        DataFileError: no mirror served a good copy; the message lists each URL and its problem.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for base in mirrors:
        url = f"{base.rstrip('/')}/{spec.name}"
        handle, part = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=dest.parent)
        part = Path(part)
        try:
            with os.fdopen(handle, "wb") as out:
                _fetch(url, out, timeout)
            array = parse_idx_gz(part.read_bytes(), spec)
            os.replace(part, dest)
            return array
        # ValueError: a malformed URL, or a download that is not a good copy (InvalidDataError).
        except (OSError, http.client.HTTPException, ValueError) as error:
            failures.append(f"\n    {url}: {_reason(error)}")
        finally:
            part.unlink(missing_ok=True)
    raise DataFileError(f"Could not download {spec.name} into {dest.parent}\n"
                        f"  expected: {spec.describe()}\n"
                        f"  tried:{''.join(failures) or ' no mirror'}\n{remedy}")


def _reason(error):
    """A short description of why one mirror failed."""
    if isinstance(error, InvalidDataError):
        return f"the download is not a good copy: it holds {error}"
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        return f"cannot reach the server ({error.reason})"
    return str(error) or type(error).__name__


def _fetch(url, out, timeout):
    """Write the body at ``url`` to the binary file ``out``; show progress if tqdm is there."""
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()  # an unclosed HTTPError keeps its socket open
        raise
    with response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        print(f"Downloading {url}", file=sys.stderr)
        bar = _progress_bar(total, url.rsplit("/", 1)[-1])
        received = 0
        try:
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                received += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    if total is not None and received != total:
        raise ConnectionError(f"the server sent {received:,} of the {total:,} bytes it announced")


def _progress_bar(total, name):
    """A tqdm progress bar in bytes, or None when tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=name, unit="B", unit_scale=True, unit_divisor=1024)
