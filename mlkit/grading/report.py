"""The class report: score distributions and the failure rate of every graded test.

One self-contained HTML page (figures embedded as PNG, no network needed):
for each assignment, a histogram of the students' scores, and a bar chart of
the share of the class that lost points on each graded test cell, so that an
instructor sees which idea the class has not understood. The numbers are in
tables under the figures too, for screen readers and for copying.
"""

import base64
import html
import io
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory

__all__ = ["class_results", "write_report"]


def class_results(db_url):
    """Scores per assignment from a gradebook.

    Args:
        db_url: the gradebook's SQLAlchemy URL (``sqlite:///gradebook.db``, PostgreSQL...).

    Returns:
        dict assignment -> {"max_score": float, "scores": {student: score},
        "tests": {grade_id: {"max_score", "failed": [students], "graded": n}}}.
    """
    results = {}
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            entry = {"max_score": assignment.max_score, "scores": {}, "tests": {}}
            for submission in assignment.submissions:
                student = submission.student.id
                entry["scores"][student] = submission.score
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        test = entry["tests"].setdefault(
                            grade.name, {"max_score": grade.max_score, "failed": [], "graded": 0})
                        test["graded"] += 1
                        if grade.score < grade.max_score:
                            test["failed"].append(student)
            results[assignment.name] = entry
    return results


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _figures(name, entry):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlkit.plotting import OKABE_ITO

    scores = list(entry["scores"].values())
    tests = sorted(entry["tests"].items())
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6),
                                      gridspec_kw={"width_ratios": [1, 1.4]})
    left.hist(scores, bins=min(20, max(5, len(scores))), range=(0, entry["max_score"] or 1),
              color=OKABE_ITO[0], edgecolor="white")
    left.set(title=f"{name}: scores", xlabel=f"score (out of {entry['max_score']:g})",
             ylabel="students")
    rates = [100 * len(t["failed"]) / max(t["graded"], 1) for _, t in tests]
    right.barh([gid for gid, _ in tests], rates, color=OKABE_ITO[5])
    right.set(title="share of the class that lost points, per test", xlabel="% of students",
              xlim=(0, 100))
    right.invert_yaxis()
    fig.tight_layout()
    png = _png(fig)
    plt.close(fig)
    alt = (f"Left: histogram of the scores of {len(scores)} students in {name}, out of "
           f"{entry['max_score']:g}. Right: for each of its {len(tests)} graded tests, the "
           "percentage of students who lost points on it; the table below gives the numbers.")
    return png, alt


def write_report(course, path="report.html"):
    """Write the class report of the course's gradebook to ``path``; return the path.

    Args:
        course: the course directory (its ``nbgrader_config.py`` gives the gradebook).
        path: the HTML file to write (a relative path is relative to the current directory).
    """
    from mlkit.grading.autograde import _config

    coursedir = CourseDirectory(config=_config(course))
    results = class_results(coursedir.db_url)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<title>Class report</title><style>body{font-family:sans-serif;max-width:72em;"
             "margin:auto;padding:1em} table{border-collapse:collapse} td,th{border:1px solid "
             "#999;padding:.2em .6em;text-align:right} th:first-child,td:first-child"
             "{text-align:left}</style></head><body><h1>Class report</h1>"]
    if not results:
        parts.append("<p>The gradebook has no assignments yet.</p>")
    for name, entry in sorted(results.items()):
        scores = sorted(entry["scores"].values())
        parts.append(f"<h2>{html.escape(name)}</h2>")
        if not scores:
            parts.append("<p>No submissions graded yet.</p>")
            continue
        mean = sum(scores) / len(scores)
        median = scores[len(scores) // 2] if len(scores) % 2 else \
            (scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2
        parts.append(f"<p>{len(scores)} students; mean {mean:.2f}, median {median:.2f} "
                     f"of {entry['max_score']:g}.</p>")
        png, alt = _figures(name, entry)
        parts.append(f"<img src='data:image/png;base64,{png}' alt='{html.escape(alt)}' "
                     "style='max-width:100%'>")
        parts.append("<table><tr><th>test</th><th>points</th><th>students who lost points"
                     "</th><th>%</th></tr>")
        ranked = sorted(entry["tests"].items(), key=lambda item: -len(item[1]["failed"]))
        for gid, test in ranked:
            rate = 100 * len(test["failed"]) / max(test["graded"], 1)
            parts.append(f"<tr><td>{html.escape(gid)}</td><td>{test['max_score']:g}</td>"
                         f"<td>{len(test['failed'])} of {test['graded']}</td>"
                         f"<td>{rate:.0f}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    target = Path(path)
    target.write_text("\n".join(parts), encoding="utf-8")
    return target
