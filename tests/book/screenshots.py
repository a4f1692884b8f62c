"""Screenshots of every page of a built book, in light and in dark mode, taken offline.

Usage, from the repository root after ``./dev.sh book``::

    python -m tests.book.screenshots _build/html screenshots/
    python -m tests.book.screenshots _build/html screenshots/ --full-page --pages book/neurons

Writes ``<page>-light.png`` and ``<page>-dark.png`` per page and prints any
request the pages tried to send elsewhere than the local server.
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urljoin

from tests.book.browser import OfflineBrowser, serve, wait_for_mathjax
from tests.book.test_book import _toc_files


def take(html, out, pages, *, full_page=False):
    """Save one screenshot per page and colour scheme; return the blocked requests."""
    out.mkdir(parents=True, exist_ok=True)
    blocked = []
    with serve(html) as base_url:
        for scheme in ("light", "dark"):
            with OfflineBrowser(base_url, color_scheme=scheme) as browser:
                for doc in pages:
                    page = browser.context.new_page()
                    page.goto(urljoin(base_url, f"{doc}.html"), wait_until="load")
                    wait_for_mathjax(page)
                    name = doc.replace("/", "-")
                    page.screenshot(path=out / f"{name}-{scheme}.png", full_page=full_page)
                    page.close()
                blocked += browser.blocked
    return blocked


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("html", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("out", type=Path, help="the folder for the PNG files")
    parser.add_argument("--pages", nargs="+", default=None,
                        help="documents to shoot (default: every page of _toc.yml)")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the top")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        parser.error(f"{args.html} must be a built book (a folder with index.html); "
                     "build it with ./dev.sh book")
    blocked = take(args.html, args.out, args.pages or _toc_files(), full_page=args.full_page)
    for url in blocked:
        print("blocked request:", url, file=sys.stderr)
    print(f"screenshots in {args.out}")
    return 1 if blocked else 0


if __name__ == "__main__":
    sys.exit(main())
