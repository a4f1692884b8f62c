"""Fixtures and report hooks shared by the whole test suite."""

import json

# The longest groups first (longest-processing-time-first): xdist hands out whole groups, and a
# long group handed out last keeps one worker busy while the other has nothing left to do.
# keras_mlp is the longest (its class is graded twice: by mlkit-grade, and by stock nbgrader
# for the cross-check) but has few tests, so xdist's default order (most tests first) put it last.
LONGEST_GROUPS_FIRST = ("book", "keras_mlp", "sandbox", "matrix_notation")


def _rank(item):
    groups = [mark.args[0] for mark in item.iter_markers("xdist_group") if mark.args]
    return min((LONGEST_GROUPS_FIRST.index(g) for g in groups if g in LONGEST_GROUPS_FIRST),
               default=len(LONGEST_GROUPS_FIRST))


def pytest_addoption(parser, pluginmanager):
    """Accept pyproject.toml's xdist options when xdist is disabled (``pytest -p no:xdist``)."""
    if not pluginmanager.has_plugin("xdist"):
        group = parser.getgroup("xdist", "distributed testing (disabled: -p no:xdist)")
        group.addoption("--dist", default="no", help="ignored: pytest-xdist is disabled")
        group.addoption("--no-loadscope-reorder", action="store_true",
                        help="ignored: pytest-xdist is disabled")


def pytest_collection_modifyitems(items):
    """Put the longest xdist groups first (a stable sort: the rest keeps its order)."""
    items.sort(key=_rank)


def pytest_terminal_summary(terminalreporter):
    """Print the harness figures of each assignment (full / zero / alternatives / mistakes)."""
    rows = {}
    stats = terminalreporter.stats
    for report in stats.get("passed", []) + stats.get("failed", []):
        for key, value in report.user_properties:
            if key == "harness":
                record = json.loads(value)
                row = rows.setdefault(record["assignment"], {})
                row.setdefault(record["kind"], []).append(record["ok"])
    if not rows:
        return
    terminalreporter.section("grading harness")
    for assignment, row in sorted(rows.items()):
        def count(kind, row=row):
            results = row.get(kind, [])
            return f"{sum(results)}/{len(results)}"
        terminalreporter.write_line(
            f"{assignment}: reference full {count('reference')}, blank zero {count('blank')}, "
            f"alternatives full {count('alternative')}, mistakes caught part by part "
            f"{count('mistake')}")
