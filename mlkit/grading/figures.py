"""The class report's figures, as PNG data embedded in the page (no file, no network).

Each function returns ``(base64 PNG, alt text)``; the report puts the numbers
in a table under every figure too, for screen readers and for copying.
"""

import base64
import io
import textwrap

__all__ = ["mistakes_figure", "scores_figure"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    _pyplot().close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def scores_figure(name, entry):
    """The histogram of an assignment's scores and the share of the class failing each test.

    Args:
        name: the assignment.
        entry: its entry of :func:`mlkit.grading.report.class_results`.
    """
    from mlkit.plotting import OKABE_ITO

    plt = _pyplot()
    scores = list(entry["scores"].values())
    tests = sorted(entry["tests"].items())
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 0.8 + max(2.8, 0.28 * len(tests))),
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
    alt = (f"Left: histogram of the scores of {len(scores)} students in {name}, out of "
           f"{entry['max_score']:g}. Right: for each of its {len(tests)} graded tests, the "
           "percentage of students who lost points on it; the table below gives the numbers.")
    return _png(fig), alt


def mistakes_figure(name, misconceptions, students, top=12):
    """A bar chart of the mistakes made by most students in an assignment.

    Args:
        name: the assignment.
        misconceptions: its ranked :class:`~mlkit.grading.misconceptions.Misconception` list.
        students: the number of students graded, for percentages.
        top: how many mistakes to draw (the table lists them all).
    """
    from mlkit.plotting import OKABE_ITO

    plt = _pyplot()
    shown = misconceptions[:top]
    labels = ["\n".join(textwrap.wrap(item.text, 60)[:2]) for item in shown]
    counts = [len(item.students) for item in shown]
    fig, axes = plt.subplots(figsize=(11, 0.8 + 0.45 * len(shown)))
    axes.barh(range(len(shown)), counts, color=OKABE_ITO[1])
    axes.set_yticks(range(len(shown)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set(title=f"{name}: the mistakes made by most students",
             xlabel=f"students (of {students})")
    axes.xaxis.get_major_locator().set_params(integer=True)
    for index, count in enumerate(counts):
        axes.text(count, index, f" {count}", va="center", fontsize=8)
    fig.tight_layout()
    alt = (f"Bar chart of the {len(shown)} mistakes made by most students in {name}, "
           "longest bar first; the table below lists every mistake with its count.")
    return _png(fig), alt
