"""The class report: the page an instructor opens first after every assignment.

One self-contained HTML page (figures embedded as PNG, no script, no network):

- **Students to reach out to**: those who fail the same idea again
  (:func:`mlkit.grading.misconceptions.struggling`);
- per assignment, the **scores** and the share of the class that lost points
  on each test; **what the class got wrong**: the mistakes the checker
  recognised, ranked by the number of students who made them, each with its
  book section; **per test**, what its failing students got wrong;
- **similar submissions** (:mod:`mlkit.grading.similarity`), with the shared
  passages side by side. No grade is ever changed by it.

The scores come from nbgrader's gradebook, the mistakes from the checker's
records in the autograded notebooks (:mod:`mlkit.grading.checks`), never
from the words of a message. Every string that came from a submission, the
roster or the gradebook is escaped. Tokenized code is kept in
``.mlkit-report-cache.json`` in the course, so that building the report again
after more submissions only tokenizes the new ones.
"""

import html
import json
import os
from pathlib import Path

from nbgrader.api import (
    Assignment,
    BaseCell,
    Grade,
    Gradebook,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from nbgrader.coursedir import CourseDirectory

from mlkit.grading import checks, misconceptions, similarity
from mlkit.grading.figures import mistakes_figure, scores_figure

__all__ = ["class_results", "render", "write_report"]

CACHE = ".mlkit-report-cache.json"

STYLE = """body{font-family:sans-serif;max-width:80em;margin:auto;padding:1em;line-height:1.4}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.2em .6em;
text-align:right;vertical-align:top}th,td:first-child,td.text{text-align:left}
img{max-width:100%}details{margin:.3em 0}.pair{display:flex;gap:1em}.pair>div{flex:1;
min-width:0}pre{background:#f6f6f6;padding:.5em;overflow-x:auto;font-size:.85em}
mark{background:#ffd27a}.note{color:#444}"""


def class_results(db_url):
    """Scores per assignment from a gradebook, in one query.

    Args:
        db_url: the gradebook's SQLAlchemy URL (``sqlite:///gradebook.db``, PostgreSQL...).

    Returns:
        dict assignment -> {"max_score": float, "scores": {student: score},
        "tests": {grade_id: {"max_score", "failed": [students], "graded": n}}}, with
        nbgrader's scores (a manual score, if a grader gave one, else the automatic one).
    """
    results = {}
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            results[assignment.name] = {"max_score": assignment.max_score, "scores": {},
                                        "tests": {}}
        rows = (gradebook.db.query(Assignment.name, Student.id, BaseCell.name, Grade.score,
                                   Grade.max_score)
                .select_from(Grade)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment,
                      SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                .join(Student, SubmittedAssignment.student_id == Student.id)
                .join(BaseCell, Grade.cell_id == BaseCell.id)
                .order_by(Assignment.name, Student.id, BaseCell.name))
        for assignment, student, test, score, max_score in rows:
            entry = results[assignment]
            entry["scores"][student] = entry["scores"].get(student, 0.0) + (score or 0.0)
            cell = entry["tests"].setdefault(test, {"max_score": max_score or 0.0,
                                                    "failed": [], "graded": 0})
            cell["graded"] += 1
            if (score or 0.0) < (max_score or 0.0):
                cell["failed"].append(student)
    return results


E = html.escape


def _link(url, text=None):
    """A link to a book section; any address that is not http(s) or relative stays text.

    Example:
        >>> _link("book/a.html#b")
        "<a href='book/a.html#b'>book/a.html#b</a>"
        >>> _link("javascript:alert(1)")
        'javascript:alert(1)'
    """
    if not url:
        return ""
    scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
    if scheme not in ("", "http", "https"):
        return E(url)
    return f"<a href='{E(url)}'>{E(text or url)}</a>"


def _names(db_url):
    """Student id -> "id (First Last)" from the gradebook's roster."""
    with Gradebook(db_url) as gradebook:
        return {s.id: (f"{s.id} ({' '.join(filter(None, [s.first_name, s.last_name]))})"
                       if (s.first_name or s.last_name) else s.id)
                for s in gradebook.students}


def _img(png, alt):
    return f"<img src='data:image/png;base64,{png}' alt='{E(alt)}'>"


def _students(students, names, limit=12):
    shown = ", ".join(E(names.get(s, s)) for s in students[:limit])
    more = len(students) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _struggling_section(struggles, names):
    parts = ["<h2 id='reach-out'>Students to reach out to</h2>",
             "<p class='note'>A student is listed when they failed <b>the same idea again</b>: "
             "at least two different failures about one book section (two different mistakes "
             "about it in one assignment, or a mistake about it in each of two assignments). "
             "One mistake that fails several tests of one assignment counts once. Checks that "
             "link no book section count by their test cell.</p>"]
    if not struggles:
        return [*parts, "<p>No student failed the same idea twice.</p>"]
    parts.append("<table><tr><th>student</th><th>idea (book section)</th><th>assignments</th>"
                 "<th>tests failed</th><th>what they got wrong</th></tr>")
    for item in struggles:
        parts.append(f"<tr><td>{E(names.get(item.student, item.student))}</td>"
                     f"<td class='text'>{_link(item.idea)}</td>"
                     f"<td class='text'>{E(', '.join(item.assignments))}</td>"
                     f"<td class='text'>{E('; '.join(item.tests))}</td>"
                     f"<td class='text'>{E('; '.join(item.mistakes))}</td></tr>")
    return [*parts, "</table>"]


def _mistakes_section(name, ranked, graded):
    parts = [f"<h3 id='{E(name)}-mistakes'>What the class got wrong</h3>"]
    if not ranked:
        return [*parts, "<p>The checker recognised no failure.</p>"]
    png, alt = mistakes_figure(name, ranked, graded)
    parts += [_img(png, alt), "<p class='note'>Each failure is counted by student: the mistake "
              "the failed check recognised, or, where it named none, the check that failed."
              "</p>", "<table><tr><th>#</th><th>mistake</th><th>students</th><th>%</th>"
              "<th>tests</th><th>book section</th></tr>"]
    for rank, item in enumerate(ranked, 1):
        parts.append(f"<tr><td>{rank}</td><td class='text'>{E(item.text)}</td>"
                     f"<td>{len(item.students)}</td>"
                     f"<td>{100 * len(item.students) / max(graded, 1):.0f}</td>"
                     f"<td class='text'>{E(', '.join(item.tests))}</td>"
                     f"<td class='text'>{_link(item.link)}</td></tr>")
    return [*parts, "</table>"]


def _tests_section(entry, per_test):
    parts = ["<table><tr><th>test</th><th>points</th><th>students who lost points</th>"
             "<th>%</th><th>what they got wrong (students)</th></tr>"]
    ranked = sorted(entry["tests"].items(), key=lambda item: (-len(item[1]["failed"]), item[0]))
    for gid, test in ranked:
        rate = 100 * len(test["failed"]) / max(test["graded"], 1)
        wrong = "<br>".join(f"{E(item.text)} ({len(item.students)})"
                            for item in per_test.get(gid, []))
        parts.append(f"<tr><td>{E(gid)}</td><td>{test['max_score']:g}</td>"
                     f"<td>{len(test['failed'])} of {test['graded']}</td>"
                     f"<td>{rate:.0f}</td><td class='text'>{wrong}</td></tr>")
    return [*parts, "</table>"]


def _marked(code, passages):
    """``code`` escaped, with the shared ``passages`` (character ranges) in ``<mark>``."""
    out, last = [], 0
    for start, end in passages:
        start, end = max(start, last), min(end, len(code))
        if start >= end:
            continue
        out += [E(code[last:start]), "<mark>", E(code[start:end]), "</mark>"]
        last = end
    return "".join([*out, E(code[last:])])


def _similar_section(name, pairs, names, settings):
    parts = [f"<h3 id='{E(name)}-similar'>Similar submissions</h3>",
             f"<p class='note'>The students' own code (solution cells, without the released "
             f"template or the course's code) compared by winnowing fingerprints (copydetect, "
             f"as MOSS does); passages written alike by more than {settings['common']} students "
             f"count nothing, and a passage shared by n students counts 1/(n-1). Listed: pairs "
             f"in which the passages so weighted make {settings['threshold']:.0%} of one "
             f"student's own code. This is a lead to read, not a verdict:"
             f" no grade was changed.</p>"]
    if not pairs:
        return [*parts, "<p>No pair above the threshold.</p>"]
    parts.append("<table><tr><th>students</th><th>weighted share</th><th>code shared "
                 "(each)</th><th>shared tokens</th></tr>")
    for pair in pairs:
        parts.append(f"<tr><td>{E(names.get(pair.first, pair.first))} &amp; "
                     f"{E(names.get(pair.second, pair.second))}</td>"
                     f"<td>{pair.score:.0%}</td><td>{pair.overlap[0]:.0%} / "
                     f"{pair.overlap[1]:.0%}</td><td>{pair.shared}</td></tr>")
    parts.append("</table>")
    for pair in pairs:
        parts.append(f"<details><summary>{E(pair.first)} &amp; {E(pair.second)}: shared "
                     f"passages marked</summary><div class='pair'>"
                     f"<div><b>{E(pair.first)}</b><pre>"
                     f"{_marked(pair.first_code, pair.first_passages)}</pre></div>"
                     f"<div><b>{E(pair.second)}</b><pre>"
                     f"{_marked(pair.second_code, pair.second_passages)}</pre></div>"
                     "</div></details>")
    return parts


def _median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def render(results, outcomes, names, pairs, settings):
    """The report page as a string.

    Args:
        results: :func:`class_results`.
        outcomes: the checker's results (:func:`mlkit.grading.checks.read_class`).
        names: student id -> how to show the student.
        pairs: assignment -> list of :class:`~mlkit.grading.similarity.Pair`.
        settings: ``{"threshold", "common"}`` of the comparison, to state them.
    """
    ranked = misconceptions.ranked(outcomes)
    per_test = misconceptions.by_test(outcomes)
    struggles = misconceptions.struggling(outcomes)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
             "img-src data:; style-src 'unsafe-inline'\">",
             f"<title>Class report</title><style>{STYLE}</style></head><body>",
             "<h1>Class report</h1>"]
    if not results:
        return "\n".join([*parts, "<p>The gradebook has no assignments yet.</p></body></html>"])
    parts.append("<nav><ul><li><a href='#reach-out'>Students to reach out to</a></li>"
                 + "".join(f"<li><a href='#{E(name)}'>{E(name)}</a></li>"
                           for name in sorted(results)) + "</ul></nav>")
    parts += _struggling_section(struggles, names)
    for name, entry in sorted(results.items()):
        parts.append(f"<h2 id='{E(name)}'>{E(name)}</h2>")
        scores = list(entry["scores"].values())
        if not scores:
            parts.append("<p>No submissions graded yet.</p>")
            continue
        parts.append(f"<p>{len(scores)} students; mean {sum(scores) / len(scores):.2f}, "
                     f"median {_median(scores):.2f} of {entry['max_score']:g}.</p>")
        png, alt = scores_figure(name, entry)
        parts.append(_img(png, alt))
        parts += _mistakes_section(name, ranked.get(name, []), len(scores))
        parts.append(f"<h3 id='{E(name)}-tests'>Per test</h3>")
        parts += _tests_section(entry, per_test.get(name, {}))
        parts += _similar_section(name, pairs.get(name, []), names, settings)
    return "\n".join([*parts, "</body></html>"])


def _load_cache(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def write_report(course, path="report.html", *, threshold=0.2, common=None):
    """Write the class report of the course to ``path``; return the path.

    Args:
        course: the course directory (its ``nbgrader_config.py`` gives the gradebook).
        path: the HTML file to write (a relative path is relative to the current directory).
        threshold: the similarity threshold (see :func:`mlkit.grading.similarity.compare`).
        common: passages written alike by more students than this are ignored
            (default: 10 or 5% of the class, whichever is larger).
    """
    from mlkit.grading.course import course_config

    coursedir = CourseDirectory(config=course_config(course))
    results = class_results(coursedir.db_url)
    outcomes, sources = [], {}
    for assignment, student, notebook_path in checks.entries(course,
                                                             coursedir.autograded_directory):
        notebook = checks.read_json(notebook_path)  # each notebook read once, for both uses
        if notebook is not None:
            outcomes += checks.outcomes_of(notebook, assignment, student, notebook_path.stem)
            sources.setdefault(assignment, {}).setdefault(student, {})[notebook_path.name] = \
                similarity.solution_sources(notebook)
    cache_path = Path(course) / CACHE
    cache = _load_cache(cache_path)
    pairs, used, kept = {}, {}, set()
    for name in sorted(results):
        submissions, released = similarity.class_code(
            course, name, release=coursedir.release_directory, sources=sources.get(name, {}))
        kept |= {similarity.code_key(code) for code in
                 [released, *(submission.code for submission in submissions)]}
        count = common if common is not None else max(10, -(-len(submissions) * 5 // 100))
        pairs[name] = similarity.compare(submissions, released, threshold=threshold,
                                         common=count, cache=cache)
        used[name] = count
    temporary = cache_path.with_name(f"{CACHE}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({key: cache[key] for key in kept if key in cache}))
    os.replace(temporary, cache_path)
    settings = {"threshold": threshold,
                "common": ", ".join(sorted({str(v) for v in used.values()})) or "10"}
    page = render(results, outcomes, _names(coursedir.db_url), pairs, settings)
    target = Path(path)
    target.write_text(page, encoding="utf-8")
    return target
