"""Build the book's editions, English (the source) and Korean, and update the translations.

The English edition is what ``jupyter-book build .`` makes, into
``<output>/_build/html``. The Korean edition is the same Sphinx project built
with ``language = "ko"``: Sphinx replaces each paragraph, title, caption and
figure word (:mod:`mlkit.translated_figures`) that ``book/locales/ko`` translates,
and leaves the rest in English. It is built into ``<output>/_build/ko/html``
(its own doctrees and notebooks beside it) and reached as
``<output>/_build/html/ko``, a link, so that one site holds both editions.
The Korean build executes nothing: it reads every chapter's outputs from the
execution cache the English build filled, and the build fails if a chapter
had to run.

The translations are gettext catalogues, one per page
(``book/locales/ko/LC_MESSAGES/book/<chapter>.po``), made and updated with
``sphinx-intl`` from the messages of a ``gettext`` build. A paragraph whose
English changed becomes fuzzy (or untranslated) there, and Sphinx shows the
English until a translator has looked at it again: never a stale translation.

Usage, from the repository root (``./dev.sh book`` runs the first)::

    python book/_ext/editions.py build              # both editions, as the tests build them
    python book/_ext/editions.py build --language en -W -n --keep-going
    python book/_ext/editions.py catalogues         # update book/locales/ko after an English edit
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALES = "book/locales"
#: The languages of the book: English, the source, first.
LANGUAGES = ("en", "ko")
#: The translated editions' output folders, beside _build/html, and linked from it.
EDITION_FOLDER = "{language}"
#: What a translated edition sets differently: the book's title is configuration,
#: which Sphinx does not translate from the catalogues.
EDITION_CONFIG = {
    "ko": {"html_title": "딥러닝의 기초", "project": "딥러닝의 기초"},
}


def _jupyter_book_config(source, *, nitpicky):
    """(config file, overrides) exactly as ``jupyter-book build`` computes them."""
    from jupyter_book.cli.main import build

    path_config, _, overrides = build.callback(
        path_source=str(source), path_output=None, config=None, toc=None,
        warningiserror=False, nitpick=nitpicky, keep_going=False, freshenv=False,
        builder="html", custom_builder=None, verbose=0, quiet=0, individualpages=False,
        get_config_only=True)
    return path_config, overrides


def build_dirs(output, language):
    """The output folder of one edition and the folder of its build files."""
    build = Path(output) / "_build"
    if language == "en":
        return build / "html", build
    return build / language / "html", build / language


def _cached_notebooks(cache_path):
    from jupyter_cache import get_cache

    if not Path(cache_path).is_dir():
        return set()
    return {record.pk for record in get_cache(cache_path).list_cache_records()}


def build(language, *, source=ROOT, output=ROOT, strict=False, nitpicky=False,
          keep_going=False, fresh=False, builder="html"):
    """Build one edition of the book; return Sphinx's exit status (0 when it succeeded).

    Args:
        language: ``"en"`` or a translation's code (``"ko"``).
        source: the repository root.
        output: the folder that holds ``_build`` (``--path-output`` of jupyter-book).
        strict, nitpicky, keep_going, fresh: ``-W``, ``-n``, ``--keep-going``, ``--all``.
        builder: a Sphinx builder; ``"gettext"`` writes the message catalogues' templates.
    """
    from jupyter_book.sphinx import build_sphinx

    if language not in LANGUAGES:
        raise ValueError(f"`language` must be one of {LANGUAGES}. Received: {language!r}")
    path_config, overrides = _jupyter_book_config(source, nitpicky=nitpicky)
    html, build_folder = build_dirs(output, language)
    cache = Path(output) / "_build" / ".jupyter_cache"
    overrides = {**overrides, **EDITION_CONFIG.get(language, {}), "language": language,
                 "nb_execution_cache_path": str(cache)}
    if builder == "html":
        outdir, doctrees = html, build_folder / ".doctrees"
    else:  # its own doctrees: another builder's would make the next HTML build read all again
        outdir, doctrees = (Path(output) / "_build" / builder,
                            Path(output) / "_build" / f".doctrees-{builder}")
    if language != "en":
        # Figures are drawn again from the pickled figure, with their words translated.
        from mlkit.plotting import FIGURE_MIME

        overrides["nb_mime_priority_overrides"] = [("html", FIGURE_MIME, 1)]
    before = _cached_notebooks(cache)
    print(f"== The {language} edition: {builder} build into {outdir}", flush=True)
    start = time.perf_counter()
    status = build_sphinx(
        source, outdir, use_external_toc=True, noconfig=True, path_config=path_config,
        confoverrides=overrides, doctreedir=doctrees, builder=builder,
        warningiserror=strict, keep_going=keep_going, freshenv=fresh)
    if language != "en" or builder != "html":
        executed = _cached_notebooks(cache) - before
        if executed:
            print(f"error: the {language} {builder} build executed {len(executed)} chapter(s); "
                  "it must take every chapter from the English build's execution cache: "
                  "build the English edition first", file=sys.stderr)
            return 1
    if language != "en" and builder == "html":
        _link_edition(output, language)
    print(f"== The {language} edition: {builder} build took {time.perf_counter() - start:.1f} s",
          flush=True)
    return 0 if status == 0 else 1


def _link_edition(output, language):
    """Make ``_build/html/<language>`` lead to the edition's own output folder."""
    link = Path(output) / "_build" / "html" / EDITION_FOLDER.format(language=language)
    target = Path("..") / language / "html"
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=True)


def update_catalogues(*, source=ROOT, output=ROOT):
    """Extract the English messages and merge them into ``book/locales/<language>``.

    Runs a ``gettext`` build (which reads the executed chapters from the cache,
    so the figures' words are extracted too) and ``sphinx-intl update``.
    """
    status = build("en", source=source, output=output)
    if status:
        return status
    status = build("en", source=source, output=output, builder="gettext", fresh=True)
    if status:
        return status
    templates = Path(output) / "_build" / "gettext"
    languages = [f"-l{language}" for language in LANGUAGES[1:]]
    return subprocess.call([str(Path(sys.executable).parent / "sphinx-intl"), "update",
                            "-p", str(templates), "-d", str(Path(source) / LOCALES),
                            *languages])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build the editions")
    build_parser.add_argument("--language", choices=LANGUAGES, action="append",
                              help="an edition to build (default: all, English first)")
    build_parser.add_argument("--path-output", default=str(ROOT),
                              help="the folder to hold _build (default: the repository)")
    build_parser.add_argument("-W", dest="strict", action="store_true",
                              help="warnings are errors")
    build_parser.add_argument("-n", dest="nitpicky", action="store_true",
                              help="warn about every missing reference")
    build_parser.add_argument("--keep-going", action="store_true",
                              help="with -W, report every warning before failing")
    build_parser.add_argument("--all", dest="fresh", action="store_true",
                              help="read every page again")
    catalogue_parser = commands.add_parser("catalogues",
                                           help="update the translations' catalogues")
    catalogue_parser.add_argument("--path-output", default=str(ROOT))
    args = parser.parse_args(argv)
    if args.command == "catalogues":
        return update_catalogues(output=args.path_output)
    for language in args.language or LANGUAGES:
        status = build(language, output=args.path_output, strict=args.strict,
                       nitpicky=args.nitpicky, keep_going=args.keep_going, fresh=args.fresh)
        if status:
            return status
    html = Path(args.path_output) / "_build" / "html"
    print(f"The book is ready: open {html / 'index.html'} (Korean: {html / 'ko' / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
