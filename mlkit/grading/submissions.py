"""What a submission folder holds, looked at without ever following a link.

Only regular files of the student's own are graded. A symbolic link (to the
source notebook, to ``/etc/passwd``, to another student's file), a hard link
(a second name of a file that lives elsewhere), a device, a FIFO or a socket in
``submitted/<student>/<assignment>/``, or a student's or assignment's folder
that is itself a link, makes the whole submission *refused*: it scores zero,
with the reason, and nothing it points to is ever read on its behalf (nbgrader's
converter would follow the link and grade, or copy, whatever it names; a FIFO
would block the run). Entries are examined with ``lstat`` and files are opened
with ``O_NOFOLLOW | O_NONBLOCK`` and checked again once open, so that a file
swapped for a link or a FIFO in the meantime is refused too, never read.
"""

import os
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Refusal", "entries", "inspect", "read_regular", "refusal"]


@dataclass(frozen=True)
class Refusal:
    """One entry of a submission that is not a regular file of its own, so is never read.

    Attributes:
        path: the entry, relative to ``submitted/`` (``alice/activations/activations.ipynb``).
        kind: "symbolic link", "hard link", "device", "FIFO", "socket" or "special file".
        target: a symbolic link's target, as written in the link ("" otherwise).
        links: a hard link's number of names (1 otherwise).
    """

    path: str
    kind: str
    target: str = ""
    links: int = 1

    def sentence(self):
        """The reason, in one sentence, for the instructor's summary and the grade's notes."""
        what = {"symbolic link": f"a symbolic link (to {self.target})",
                "hard link": f"a hard link (one file with {self.links} names)"}.get(
                    self.kind, f"a {self.kind}")
        fix = ("; if it is the student's own work, replace it by a copy (cp) and grade again"
               if self.kind == "hard link" else "")
        return (f"{self.path} is {what}, not a file or folder of the student's own: it was not "
                f"read, and the submission scores zero (it is left in submitted/{fix}).")


def _kind(mode):
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def refusal(path, base, status=None):
    """The :class:`Refusal` of ``path``, or None for a folder or a regular file of its own.

    Args:
        path: the entry to examine (never followed if it is a link).
        base: the folder that :attr:`Refusal.path` is relative to (``submitted/``).
        status: its ``os.lstat`` result, if already known.
    """
    status = status or os.lstat(path)
    if stat.S_ISDIR(status.st_mode):
        return None
    relative = os.path.relpath(path, base)
    if stat.S_ISREG(status.st_mode):
        if status.st_nlink > 1:
            return Refusal(relative, "hard link", links=status.st_nlink)
        return None
    target = os.readlink(path) if stat.S_ISLNK(status.st_mode) else ""
    return Refusal(relative, _kind(status.st_mode), target=target)


def entries(folder):
    """The entries of ``folder`` (``os.DirEntry``), sorted by name; none if it is missing."""
    try:
        with os.scandir(folder) as found:
            return sorted(found, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


def inspect(folder, base):
    """The regular files of a submission folder, and what in it must not be read.

    Args:
        folder: ``submitted/<student>/<assignment>``, itself checked first.
        base: ``submitted/``, what the refusals' paths are relative to.

    Returns:
        ``(files, refusals)``: the regular files of their own (paths, in order)
        and a list of :class:`Refusal` (empty when the submission can be graded).
    """
    own = refusal(folder, base)
    if own is not None:
        return [], [own]
    files, refusals = [], []
    for entry in entries(folder):
        status = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(status.st_mode):
            more_files, more_refusals = inspect(entry.path, base)
            files += more_files
            refusals += more_refusals
        elif (found := refusal(entry.path, base, status)) is not None:
            refusals.append(found)
        else:
            files.append(Path(entry.path))
    return files, refusals


def read_regular(path, base):
    """The bytes of ``path`` if it is still a regular file of its own, else its :class:`Refusal`.

    Opened without following a link and without blocking (a FIFO would), and
    checked again once open, so that nothing else is ever read.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:  # ELOOP: it became a link
        return refusal(path, base) or Refusal(os.path.relpath(path, base), "special file")
    with os.fdopen(handle, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_nlink > 1:
            return (refusal(path, base, status)
                    or Refusal(os.path.relpath(path, base), "special file"))
        return file.read()
