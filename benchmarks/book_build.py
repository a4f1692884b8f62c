"""How long the book takes to build, both editions: cold, again without changes, after an edit.

The three builds run on a copy of the repository's tracked files in a
temporary folder (the working tree is never touched), with the flags CI uses
(``-W -n --keep-going``):

1. **cold**: no output folder and no execution cache, so every chapter runs;
2. **no change**: the same command again: nothing should execute;
3. **one chapter edited**: a code cell is appended to one chapter (``--chapter``),
   and only that chapter should execute again.

Each build is ``book/_ext/editions.py build`` (what ``./dev.sh book`` runs):
the English edition, then the Korean one, in one process; the Korean build
must never execute a chapter. For each build the script prints the
wall-clock time of the command and of each edition's build, the chapters
that were executed (from myst-nb's log lines) and each one's execution time,
and it exits with status 1 if a build failed, a target was missed or executed
other chapters than expected. Targets, both editions together: cold within
360 s, no change within 15 s.

Usage, from the repository root with the course's environment::

    python benchmarks/book_build.py
    python benchmarks/book_build.py --chapter softmax --keep   # keep the copy to look at
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXECUTED = re.compile(r"([\w/.-]+)\.md: Executed notebook in ([\d.]+) seconds")
TARGETS = {"cold": 360.0, "no change": 15.0}
EDITION_TIME = re.compile(r"== The (\w+) edition: html build took ([\d.]+) s")


def copy_repository(destination):
    """Copy the files git tracks (and the generated notebooks) into ``destination``."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(source):
    """One strict build of both editions of ``source``, as ``./dev.sh book`` runs it.

    Returns:
        (wall seconds of the command, {edition: seconds its build took, as the build
        prints it}, {chapter: execution seconds}, CPU seconds). The CPU time is that of
        the build and the kernels it ran, all threads: on a machine whose cores other
        work shares, it moves less than the wall-clock time.
    """
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run([str(BIN / "python"), "book/_ext/editions.py", "build", "-W", "-n",
                             "--keep-going"], cwd=source, capture_output=True, text=True,
                            env=env)
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    log = result.stdout + result.stderr
    if result.returncode != 0:
        print(log[-5000:], file=sys.stderr)
        raise SystemExit(f"the build failed (exit status {result.returncode})")
    walls = {edition: float(t) for edition, t in EDITION_TIME.findall(log)}
    korean = log.split("== The ko edition", 1)[-1]
    if EXECUTED.search(korean):
        raise SystemExit("the Korean build executed a chapter: it must not")
    executed = {Path(path).stem: float(t) for path, t in EXECUTED.findall(log)}
    return seconds, walls, executed, cpu


def edit_chapter(source, chapter):
    """Append a code cell to a chapter, as an author's edit would change its code."""
    path = source / "book" / f"{chapter}.md"
    if not path.is_file():
        raise SystemExit(f"--chapter must name a file of book/; book/{chapter}.md does not exist")
    with path.open("a", encoding="utf-8") as file:
        file.write('\n```{code-cell} ipython3\nprint("an edited chapter")\n```\n')


def report(name, build_result, expected):
    """Print one build's line; return False if it executed other chapters than expected."""
    seconds, walls, executed, cpu = build_result
    target = TARGETS.get(name)
    verdict = "" if target is None else (
        f" (target {target:.0f} s: {'met' if seconds <= target else 'MISSED'})")
    editions = ", ".join(f"{edition} {wall:.1f} s" for edition, wall in walls.items())
    print(f"{name:>20}: {seconds:7.1f} s wall ({editions}), {cpu:7.1f} s CPU{verdict}")
    for chapter, t in sorted(executed.items(), key=lambda item: -item[1]):
        print(f"{'':>22}executed {chapter:<16} {t:6.1f} s")
    ok = expected is None or set(executed) == expected
    if not ok:
        print(f"{'':>22}expected to execute {sorted(expected)}, executed {sorted(executed)}")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chapter", default="activations",
                        help="the chapter to edit for the third build (default: activations)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="book-build-"))
    try:
        copy_repository(folder)
        cold = build(folder)
        ok = report("cold", cold, expected=None)
        again = build(folder)
        ok &= report("no change", again, expected=set())
        edit_chapter(folder, args.chapter)
        edited = build(folder)
        ok &= report(f"{args.chapter} edited", edited, expected={args.chapter})
        ok &= cold[0] <= TARGETS["cold"] and again[0] <= TARGETS["no change"]
    finally:
        if args.keep:
            print("the copy is in", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
