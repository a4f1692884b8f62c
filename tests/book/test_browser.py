"""The built book in Debian's Chromium with the network closed: what a reader sees.

One browser serves the whole module; each page is opened once, its report
kept (``page_reports``), and the tests look at the reports. Every request not
to the local server is refused and recorded, so these tests also prove that
the book reads offline.
"""

import itertools
import re
from urllib.parse import quote, urljoin, urlparse

import pytest

from tests.book.browser import OfflineBrowser, serve, wait_for_mathjax
from tests.book.test_book import _toc_files

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

PAGES = _toc_files()
#: Every page of both editions: the Korean one is the site's ko/ folder.
EDITION_PAGES = PAGES + [f"ko/{doc}" for doc in PAGES]

# What the browser reports of one page, computed in the page itself.
REPORT_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const maths = [...document.querySelectorAll('.math')];
  const rawMath = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('pre, code, .highlight, script, style, mjx-container'))
      continue;
    const text = node.textContent;
    if (/\\\\\\(|\\\\\\[|\\$\\$|\\$[^$\\s][^$]*\\$/.test(text))
      rawMath.push(text.trim().slice(0, 80));
  }
  return {
    title: document.title,
    mathCount: maths.length,
    mathUntypeset: maths.filter(m => !m.querySelector('mjx-container')).length
                   + document.querySelectorAll('mjx-merror').length,
    rawMath,
    images: [...document.querySelectorAll('img')].map(img => ({
      src: img.currentSrc || img.src, loaded: img.complete && img.naturalWidth > 0,
      alt: img.getAttribute('alt')})),
    headings: [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter(h => !h.closest('.cell_output, .output'))
      .map(h => Number(h.tagName[1])),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    next: (document.querySelector('a.right-next') || {}).href || null,
    fontsOk: document.fonts.status,
  };
}"""


def _open(context, url):
    """Open ``url``; return the page and the console errors and exceptions it raised."""
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="load")
    wait_for_mathjax(page)
    return page, errors


@pytest.fixture(scope="module")
def site(built_book):
    """The built site served on 127.0.0.1, and an offline Chromium."""
    if built_book.returncode != 0:
        pytest.fail("the book did not build; see test_build_succeeds_without_warnings")
    with serve(built_book.html) as base_url, OfflineBrowser(base_url) as browser:
        yield browser


@pytest.fixture(scope="module")
def page_reports(site):
    """Every page of both editions, opened once: doc -> (report, console errors)."""
    reports = {}
    for doc in EDITION_PAGES:
        page, errors = _open(site.context, urljoin(site.base_url, f"{doc}.html"))
        reports[doc] = (page.evaluate(REPORT_JS), errors)
        page.close()
    return reports


class TestEveryPage:
    @pytest.mark.parametrize("doc", EDITION_PAGES)
    def test_no_console_errors(self, page_reports, doc):
        """Loading the page logs no error and raises no exception in the browser."""
        _, errors = page_reports[doc]
        assert errors == []

    @pytest.mark.parametrize("doc", EDITION_PAGES)
    def test_math_is_typeset(self, page_reports, doc):
        """MathJax typeset every formula: no raw $...$ or \\(...\\) left in the text."""
        report, _ = page_reports[doc]
        assert report["mathUntypeset"] == 0, f"{report['mathUntypeset']} formulas not typeset"
        assert report["rawMath"] == []

    @pytest.mark.parametrize("doc", EDITION_PAGES)
    def test_every_image_loaded(self, page_reports, doc):
        """Every image of the page, figures and logos, was fetched and decoded."""
        report, _ = page_reports[doc]
        broken = [image["src"] for image in report["images"] if not image["loaded"]]
        assert broken == []

    @pytest.mark.parametrize("doc", EDITION_PAGES)
    def test_headings_are_in_order(self, page_reports, doc):
        """One h1, and no heading skips a level on the way down (h2 then h4)."""
        levels = page_reports[doc][0]["headings"]
        assert levels[:1] == [1] and levels.count(1) == 1, levels
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"h{before} followed by h{after}: {levels}"

    @pytest.mark.parametrize("doc", EDITION_PAGES)
    def test_internal_links_lead_to_pages_that_exist(self, site, page_reports, doc):
        """Every link to another page of the book answers 200 and its anchor exists there."""
        report, _ = page_reports[doc]
        internal = {link for link in report["links"] if link.startswith(site.base_url)}
        assert internal, "a page of the book links nowhere"
        anchors = {}
        for link in sorted(internal):
            target, _, fragment = link.partition("#")
            if target not in anchors:
                response = site.context.request.get(target)
                assert response.status == 200, link
                body = response.text() if target.endswith(".html") else ""
                anchors[target] = set(re.findall(r'\bid="([^"]+)"', body))
            if fragment and target.endswith(".html"):
                assert fragment in anchors[target], f"{link}: no such anchor"

    def test_no_request_left_the_local_server(self, site, page_reports):
        """Opening every page asked nothing of the network: MathJax, fonts and scripts are local."""
        assert len(page_reports) == len(EDITION_PAGES)
        assert site.blocked == []


class TestNavigation:
    @pytest.mark.parametrize("edition", ["", "ko/"])
    def test_next_links_follow_the_table_of_contents(self, page_reports, site, edition):
        """Each page's "next" button leads to the next page of _toc.yml, in its edition."""
        for doc, following in itertools.pairwise(PAGES):
            next_url = page_reports[edition + doc][0]["next"]
            assert next_url and urlparse(next_url).path == f"/{edition}{following}.html", doc

    def test_the_language_switch_opens_the_same_page_in_the_other_edition(self, site):
        """A click on 한국어 opens the Korean page in the same tab, and English brings it back."""
        page, errors = _open(site.context, urljoin(site.base_url, "book/neurons.html"))
        tabs = len(site.context.pages)
        page.click("a.btn-language-switch")
        page.wait_for_load_state("load")
        assert urlparse(page.url).path == "/ko/book/neurons.html"
        assert page.evaluate("document.documentElement.lang") == "ko"
        page.click("a.btn-language-switch")
        page.wait_for_load_state("load")
        assert urlparse(page.url).path == "/book/neurons.html"
        assert errors == [] and len(site.context.pages) == tabs
        page.close()

    def test_clicking_next_opens_the_next_chapter(self, site):
        """A click on "next" in the browser loads the next chapter's page."""
        page, errors = _open(site.context, urljoin(site.base_url, f"{PAGES[1]}.html"))
        page.click("a.right-next")
        page.wait_for_load_state("load")
        assert urlparse(page.url).path == f"/{PAGES[2]}.html"
        assert errors == []
        page.close()


class TestSearch:
    @pytest.mark.parametrize(("term", "doc"), [("perceptron", "book/perceptron"),
                                               ("propagation", "book/backprop"),
                                               ("Fashion-MNIST", "book/keras_mlp"),
                                               ("시냅스", "book/neurons")])
    def test_search_finds_the_chapter(self, site, term, doc):
        """The search page, asked as its search box asks, lists the chapter that teaches a term."""
        self._search(site, "", term, doc)

    @pytest.mark.parametrize(("term", "doc"), [("뉴런", "book/neurons"),
                                               ("뉴런은", "book/neurons"),
                                               ("퍼셉트론을", "book/perceptron"),
                                               ("역전파", "book/backprop"),
                                               ("소프트맥스", "book/softmax")])
    def test_korean_search_finds_a_word_with_its_particles(self, site, term, doc):
        """In the Korean edition, a word is found whatever particle follows it, in the text
        (뉴런은, 뉴런을) or in the query (the browser's stemmer cuts it as the index's did)."""
        self._search(site, "ko/", term, doc)

    @staticmethod
    def _search(site, edition, term, doc):
        page, errors = _open(site.context,
                             urljoin(site.base_url, f"{edition}search.html?q={quote(term)}"))
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        results = page.eval_on_selector_all("#search-results ul.search li a",
                                            "links => links.map(a => a.href)")
        assert any(urlparse(link).path == f"/{edition}{doc}.html" for link in results), results
        assert errors == []
        page.close()
