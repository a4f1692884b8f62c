"""The xdist_group marks reach pytest-xdist's scheduler: a group runs in one worker.

The book build and each assignment's graded class are session fixtures shared
by a group of tests; if the marks are ignored, both workers build them. A
pytest release once broke this without any error (see requirements.txt).
"""

import os

import pytest


@pytest.mark.xdist_group("self_check")
def test_group_mark_is_in_the_node_id(request):
    """Under ``pytest -n``, --dist=loadgroup is on and gives the test its group."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("runs only under pytest-xdist (pytest -n)")
    assert request.config.getvalue("loadgroup"), "--dist=loadgroup is not in effect"
    assert request.node.nodeid.endswith("@self_check"), (
        f"pytest-xdist did not add the group to the node id {request.node.nodeid!r}: the "
        "xdist_group marks are ignored, so grouped session fixtures are built in every worker")
