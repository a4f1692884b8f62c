"""Manual grading still works: nbgrader's formgrader, in a real browser, on what mlkit-grade
graded.

A real Jupyter server (with nbgrader's formgrader extension) serves the graded
course on 127.0.0.1; Debian's Chromium, driven by Playwright as the book's
browser tests drive it, opens a student's submission, finds the checker's
results under the test cells, overrides a score and leaves a comment; the
gradebook then holds both.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from nbgrader.api import Gradebook

from tests.autograding.conftest import ASSIGNMENT, mlkit_grade, submit
from tests.book.browser import OfflineBrowser
from tests.grading.harness import load_variants
from tests.helpers import tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """kim01 made the step mistake (step(0) is 1), lee02 wrote the reference."""
    course = tmp_path_factory.mktemp("formgrader") / "course"
    shutil.copytree(released_course, course)
    _, mistakes = load_variants(ASSIGNMENT)
    submit(course, "kim01", mistakes["step_fires_at_zero"]["answers"])
    submit(course, "lee02", {})
    result = mlkit_grade(course, "autograde")
    assert result.returncode == 0, result.stderr[-3000:]
    return course


@pytest.fixture(scope="module")
def formgrader(graded, tmp_path_factory):
    """A Jupyter server with nbgrader's formgrader on the course; yields (base URL, token)."""
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("jupyter") / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1",
             f"--port={port}", f"--ServerApp.root_dir={graded}",
             f"--IdentityProvider.token={token}",
             "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=graded, env=tool_env(), stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}formgrader/api/status?token={token}",
                                            timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Jupyter server did not start: "
                            + log.read_text(errors="replace")[-3000:])
            time.sleep(1)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _submission_id(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).id


def test_formgrader_shows_checker_results_and_saves_an_override(graded, formgrader):
    base, token = formgrader
    with OfflineBrowser(base) as browser:
        page = browser.context.new_page()
        page.goto(f"{base}login")  # as a TA logs in: the server's token as password
        page.fill("#password_input", token)
        page.press("#password_input", "Enter")
        page.wait_for_load_state()
        page.goto(f"{base}formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}")
        page.wait_for_selector("a.name-shown", state="attached", timeout=30_000)
        listed = {link.text_content() for link in page.query_selector_all("a.name-shown")}
        assert listed == {"kim01", "lee02"}  # the submissions mlkit-grade graded

        page.goto(f"{base}formgrader/submissions/{_submission_id(graded, 'kim01')}/")
        page.wait_for_selector("#step_values", timeout=30_000)
        # the inputs save only once nbgrader's script has fetched the grades and comments
        # and bound their models: typing before then changes nothing on the server
        page.wait_for_function("() => window.formgrader"
                               " && formgrader.grades.loaded && formgrader.comments.loaded",
                               timeout=60_000)
        text = page.inner_text("body")
        # the checker's results, hidden checks included, with the mistake and its section
        assert "The checker's results (shown to graders only):" in text
        assert ("[failed] the visible checks: 1 of 5 values differ; likely mistake: step(0) "
                "should be 0: use x > 0, not x >= 0; book: book/activations.html#activations-step"
                in text)
        assert "[passed] sigmoid(X) for a 4x6 array X" in text

        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url
                                  and r.request.method == "PUT") as saved:
            page.fill("#step_values", "0.5")
            page.press("#step_values", "Tab")
        assert saved.value.ok
        with page.expect_response(lambda r: "/formgrader/api/comment/" in r.url
                                  and r.request.method == "PUT") as saved:
            page.fill("#step-comment", "Half a point back: only step(0) was wrong.")
            page.press("#step-comment", "Tab")
        assert saved.value.ok
    # nothing but nbgrader's own template asks for the network (MathJax from a CDN)
    assert all("mathjax" in url.lower() for url in browser.blocked), browser.blocked

    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("step_values", ASSIGNMENT, ASSIGNMENT, "kim01")
        comment = gradebook.find_comment("step", ASSIGNMENT, ASSIGNMENT, "kim01")
        assert (grade.auto_score, grade.manual_score, grade.score) == (0.0, 0.5, 0.5)
        assert comment.manual_comment == "Half a point back: only step(0) was wrong."
        assert gradebook.find_submission(ASSIGNMENT, "kim01").score == 13.5
