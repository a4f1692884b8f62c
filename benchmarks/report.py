"""The class report's build time on a synthetic class, and what it finds of what was planted.

A class of ``--students`` (default 500) is built from the activations
assignment's variants (``tests/grading/variants/activations.py``):

- every student mixes the reference with the catalogued alternative answers,
  cell by cell;
- **planted mistakes**: each catalogued mistake is given to a share of the class
  (the first to 20%, then fewer and fewer), on top of the mix;
- **planted copies**: ``--copies`` students write code of their own (the
  planted original with unique constants and helper lines), and as many others
  copy it with every variable renamed, comments added and spacing changed;
- **alike by chance**: as many pairs write the reference answers independently
  in two similar ways.

It is graded once with ``mlkit-grade autograde`` (kept in ``--course`` to be
reused), then the report is built twice in this process, timed: **cold** (no
tokenized code cached) and **warm** (after new grading, only new submissions
are tokenized). The script prints both times in seconds, the planted mistakes
against the ranked ones, and the copies found and missed::

    python benchmarks/report.py                       # 500 students, a new course
    python benchmarks/report.py --course /tmp/class   # grade once, time again later
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlkit.grading import checks, misconceptions  # noqa: E402
from mlkit.grading.report import CACHE, write_report  # noqa: E402
from tests.autograding import planted  # noqa: E402
from tests.autograding.conftest import release_course, submit  # noqa: E402
from tests.grading.harness import load_variants  # noqa: E402

ASSIGNMENT = "activations"
RENAMES = {"arr": "values", "out": "result", "res": "answer", "pos": "positive", "ex": "e",
           "s_val": "s", "grad": "d"}


def unique_original(index, chooser):
    """The planted original with constants and helper lines that only this student wrote."""
    answers = dict(planted.ORIGINAL)
    for cell in ("step", "sigmoid", "relu"):
        extra = (f"    limit_{index} = {chooser.randint(100, 99999)}.{chooser.randint(0, 999)}\n"
                 f"    arr = arr * {chooser.randint(2, 97)} / {chooser.randint(2, 97)} "
                 f"if limit_{index} < 0 else arr\n")
        head, body = answers[cell].split("dtype=float)\n", 1) if "dtype=float" in answers[cell] \
            else (answers[cell], "")
        answers[cell] = head + "dtype=float)\n" + extra + body if body else answers[cell]
    return answers


def renamed(answers):
    """A copy: every variable renamed, a comment per cell, blank lines added."""
    copy = {}
    for cell, source in answers.items():
        for old, new in RENAMES.items():
            source = re.sub(rf"\b{old}\b", new, source)
        copy[cell] = source.replace("\n    return", "\n\n    # the answer\n    return", 1)
    return copy


def build_class(students, copies, seed=1):
    """Student -> answers, planted mistakes by student, planted copies and chance pairs."""
    _, mistakes = load_variants(ASSIGNMENT)
    chooser = random.Random(seed)
    base = planted.variant_class(students - 4 * copies, seed=seed)
    shares = {name: 0.2 / (rank + 1) for rank, name in enumerate(mistakes)}
    planted_mistakes = {name: [] for name in mistakes}
    for student, answers in base.items():
        taken = set()  # the cells that already hold a planted mistake
        for name, share in shares.items():
            cells = mistakes[name]["answers"]
            if chooser.random() < share and not taken & set(cells):
                answers.update(cells)
                taken |= set(cells)
                planted_mistakes[name].append(student)
    pairs, chance = [], []
    for index in range(copies):
        original = unique_original(index, chooser)
        base[f"orig{index:02d}"], base[f"copy{index:02d}"] = original, renamed(original)
        pairs.append((f"copy{index:02d}", f"orig{index:02d}"))
        base[f"alike{index:02d}a"], base[f"alike{index:02d}b"] = planted.ALIKE_1, planted.ALIKE_2
        chance.append((f"alike{index:02d}a", f"alike{index:02d}b"))
    return base, planted_mistakes, pairs, chance


def grade(course, students, copies):
    """A course with the class submitted and graded by mlkit-grade (once)."""
    release_course(course)
    class_, planted_mistakes, pairs, chance = build_class(students, copies)
    for student, answers in class_.items():
        submit(course, student, answers)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mlkit.grading.cli", "--course", str(course),
                    "autograde"], env=env, check=True, stderr=subprocess.DEVNULL)
    print(f"graded {len(class_)} submissions in {time.perf_counter() - started:.0f} s")
    return planted_mistakes, pairs, chance


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--copies", type=int, default=10, help="planted copies (and chance pairs)")
    parser.add_argument("--course", type=Path, help="grade here once; reuse it if graded")
    args = parser.parse_args()
    course = args.course or Path(tempfile.mkdtemp(prefix="report-bench-")) / "course"
    if (course / "autograded").is_dir():
        _, planted_mistakes, pairs, chance = build_class(args.students, args.copies)
    else:
        planted_mistakes, pairs, chance = grade(course, args.students, args.copies)
    (course / CACHE).unlink(missing_ok=True)
    report = course / "report.html"
    times = []
    for _ in ("cold", "warm"):
        started = time.perf_counter()
        write_report(course, report)
        times.append(time.perf_counter() - started)
    print(f"report of {len(list((course / 'autograded').iterdir()))} students: "
          f"cold {times[0]:.2f} s, warm {times[1]:.2f} s, {report.stat().st_size / 1e6:.1f} MB")

    ranked = misconceptions.ranked(checks.read_class(course))[ASSIGNMENT]
    _, mistakes = load_variants(ASSIGNMENT)
    print("\nplanted mistake (students) -> ranked as #rank 'mistake' (students, of them planted)")
    for name, students in sorted(planted_mistakes.items(), key=lambda item: -len(item[1])):
        fails = set(mistakes[name]["fails"])  # a mistake is recognised in the tests it fails
        candidates = [m for m in ranked if fails & set(m.tests)]
        best = max(candidates, key=lambda m: len(set(m.students) & set(students)), default=None)
        if not students or best is None or not set(best.students) & set(students):
            print(f"  {name} ({len(students)}): not recognised")
            continue
        rank = ranked.index(best) + 1
        shared = len(set(best.students) & set(students))
        print(f"  {name} ({len(students)}) -> #{rank} {best.text[:60]!r} ({len(best.students)},"
              f" {shared} of the planted)")
    text = report.read_text(encoding="utf-8").split(f"id='{ASSIGNMENT}-similar'", 1)[1]
    found = set(re.findall(r"<tr><td>([\w.-]+) &amp; ([\w.-]+)</td>", text))
    found = {tuple(sorted(pair)) for pair in found}
    planted_pairs = {tuple(sorted(pair)) for pair in pairs}
    chance_pairs = {tuple(sorted(pair)) for pair in chance}
    print(f"\ncopies found {len(found & planted_pairs)} of {len(planted_pairs)}; chance pairs "
          f"listed {len(found & chance_pairs)} of {len(chance_pairs)}; other pairs listed "
          f"{len(found - planted_pairs - chance_pairs)}")
    if not args.course:
        shutil.rmtree(course.parent)


if __name__ == "__main__":
    main()
