"""Fixtures and report hooks shared by the whole test suite."""

import json

import pytest


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Honour the ``xdist_group`` marks: the book's tests share one build in one worker.

    With ``-n 2`` pytest-xdist's default scheduling ignores the marks and each
    worker builds the whole book for its share of the book's tests (two builds
    at once, on a machine with two cores). ``--dist loadgroup`` would do the
    same, but an option in ``addopts`` breaks ``-p no:xdist``.
    """
    if config.option.dist != "load":
        return None  # --dist given on the command line wins
    from xdist.scheduler import LoadGroupScheduling

    return LoadGroupScheduling(config, log)


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
