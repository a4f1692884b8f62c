"""The assignments' translations in the course directory: catalogues and translated releases.

With the release folder ``exercises/`` (nbgrader's ``release_directory``)::

    exercises/<assignment>/<notebook>.ipynb        the English release (nbgrader's)
    exercises/locales/<assignment>.pot             its text to translate (made from it)
    exercises/locales/<lang>/LC_MESSAGES/<assignment>.po   the translations (a translator's)
    exercises/<lang>/<assignment>/<notebook>.ipynb the translated release (made from both)

The translated release lives beside the English one rather than inside it,
because ``nbgrader generate_assignment --force`` empties the assignment's
release folder; its notebooks keep the English file names, so a student may
submit either language. Run from the course directory::

    python -m mlkit.grading.translations update    # .pot from exercises/, merged into each .po
    python -m mlkit.grading.translations release   # write exercises/<lang>/ from both
    python -m mlkit.grading.translations check     # what is stale, fuzzy or untranslated

``./dev.sh translations`` runs the first two, ``./dev.sh release`` runs them
after nbgrader's release.
"""

import argparse
import sys
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog

from mlkit.grading import catalogues
from mlkit.grading.translate import translate_notebook

__all__ = ["LOCALES", "SOURCE", "assignments", "catalogue_path", "expected_release", "languages",
           "main", "release", "source_dir", "status", "template_path", "translated_dir", "update"]

LOCALES = "locales"
SOURCE = "solutions"  # nbgrader's source_directory (nbgrader_config.py)


def assignments(release_dir):
    """The released assignments: the folders of ``release_dir`` that hold a notebook."""
    return sorted(p.name for p in Path(release_dir).iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb")))


def languages(release_dir):
    """The languages with catalogues: the folders of ``<release_dir>/locales``."""
    folder = Path(release_dir) / LOCALES
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def template_path(release_dir, assignment):
    """``<release_dir>/locales/<assignment>.pot``."""
    return Path(release_dir) / LOCALES / f"{assignment}.pot"


def catalogue_path(release_dir, language, assignment):
    """``<release_dir>/locales/<language>/LC_MESSAGES/<assignment>.po``.

    Example:
        >>> catalogue_path("exercises", "ko", "softmax").as_posix()
        'exercises/locales/ko/LC_MESSAGES/softmax.po'
    """
    return Path(release_dir) / LOCALES / language / "LC_MESSAGES" / f"{assignment}.po"


def translated_dir(release_dir, language, assignment):
    """``<release_dir>/<language>/<assignment>``, the folder of the translated release.

    Example:
        >>> translated_dir("exercises", "ko", "softmax").as_posix()
        'exercises/ko/softmax'
    """
    return Path(release_dir) / language / assignment


def _release_notebooks(release_dir, assignment):
    folder = Path(release_dir) / assignment
    return {p.name: nbformat.read(str(p), as_version=4) for p in sorted(folder.glob("*.ipynb"))}


def source_dir(release_dir):
    """The course's source folder beside the release folder: ``<release_dir>/../solutions``.

    Example:
        >>> source_dir("course/exercises").as_posix()
        'course/solutions'
    """
    return Path(release_dir).parent / SOURCE


def _template(release_dir, assignment):
    folder = source_dir(release_dir) / assignment
    sources = {p.name: nbformat.read(str(p), as_version=4) for p in sorted(folder.glob("*.ipynb"))}
    return catalogues.template(_release_notebooks(release_dir, assignment), domain=assignment,
                               sources=sources)


def _catalogue(release_dir, language, assignment):
    path = catalogue_path(release_dir, language, assignment)
    if path.is_file():
        return catalogues.read(path, locale=language)
    return Catalog(locale=language, domain=assignment, project=catalogues.PROJECT,
                   copyright_holder=catalogues.TEAM, language_team=language, charset="utf-8",
                   fuzzy=False, header_comment=(
                       f"# The {language!r} translation of the text of the assignment "
                       f"{assignment!r}.\n# Translate each msgstr; drop the `fuzzy` flag once a "
                       "changed message is translated again (see the README)."))


def update(release_dir, language, assignment):
    """Write the assignment's ``.pot`` from its English release and merge it into its ``.po``.

    Returns:
        The paths written (a file whose messages did not change is left as it is).
    """
    template = _template(release_dir, assignment)
    catalog = catalogues.merge(_catalogue(release_dir, language, assignment), template)
    written = []
    for catalog_, path in [(template, template_path(release_dir, assignment)),
                           (catalog, catalogue_path(release_dir, language, assignment))]:
        if catalogues.write(catalog_, path):
            written.append(path)
    return written


def _notebook_text(notebook):
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def expected_release(release_dir, language, assignment):
    """What the translated release folder should hold, from the English release and catalogue.

    Returns:
        ``(files, english)``: dict file name -> bytes (the translated notebooks,
        and the English release's other files as they are), and dict notebook
        name -> contexts of the text cells left in English.
    """
    catalog = _catalogue(release_dir, language, assignment)
    files, english = {}, {}
    for path in sorted((Path(release_dir) / assignment).iterdir()):
        if not path.is_file():
            continue
        if path.suffix != ".ipynb":
            files[path.name] = path.read_bytes()
            continue
        notebook = nbformat.read(str(path), as_version=4)
        translated, english[path.name] = translate_notebook(
            notebook, path.stem, catalog, language=language)
        files[path.name] = _notebook_text(translated).encode("utf-8")
    return files, english


def release(release_dir, language, assignment):
    """Write the translated release of ``assignment`` and remove what it no longer holds.

    Returns:
        dict notebook name -> contexts of the text cells left in English.
    """
    files, english = expected_release(release_dir, language, assignment)
    folder = translated_dir(release_dir, language, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.is_file() and path.name not in files:
            path.unlink()
    for name, data in files.items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    return english


def status(release_dir, language, assignment):
    """The catalogue's :class:`~mlkit.grading.catalogues.CatalogueState` against the release."""
    return catalogues.state(_catalogue(release_dir, language, assignment),
                            _template(release_dir, assignment))


def _check(release_dir, language, assignment):
    """Sentences on what is not in step, for one assignment and language."""
    problems = []
    found = status(release_dir, language, assignment)
    po = catalogue_path(release_dir, language, assignment)
    if found.stale:
        problems.append(f"{po} is stale: {len(found.missing)} message(s) of the English release "
                        f"missing, {len(found.extra)} no longer in it; run ./dev.sh translations")
    if found.fuzzy or found.untranslated:
        problems.append(f"{po}: {len(found.fuzzy)} fuzzy and {len(found.untranslated)} "
                        "untranslated message(s) to translate")
    files, _ = expected_release(release_dir, language, assignment)
    folder = translated_dir(release_dir, language, assignment)
    have = {p.name: p.read_bytes() for p in folder.glob("*") if p.is_file()} \
        if folder.is_dir() else {}
    if have != files:
        problems.append(f"{folder} is out of date with the English release and {po}; "
                        "run ./dev.sh translations")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m mlkit.grading.translations",
        description="Keep the assignments' translated releases in step with the English release.")
    parser.add_argument("command", choices=["update", "release", "check"],
                        help="update: write the .pot files and merge them into the .po files; "
                             "release: write the translated releases; check: report what is "
                             "not in step (exit status 1 if anything)")
    parser.add_argument("assignments", nargs="*", help="default: every released assignment")
    parser.add_argument("--language", action="append",
                        help="a language code (repeatable); default: every folder of "
                             "<release-dir>/locales")
    parser.add_argument("--release-dir", default="exercises",
                        help="the course's release folder (default: exercises)")
    args = parser.parse_args(argv)
    release_dir = Path(args.release_dir)
    if not release_dir.is_dir():
        parser.error(f"--release-dir must be a folder. Received: {args.release_dir!r}")
    known = assignments(release_dir)
    unknown = sorted(set(args.assignments) - set(known))
    if unknown:
        parser.error(f"no released assignment {', '.join(unknown)} in {release_dir}/ "
                     f"(expected some of: {', '.join(known)})")
    chosen = args.assignments or known
    problems = []
    for language in args.language or languages(release_dir):
        for assignment in chosen:
            if args.command == "update":
                for path in update(release_dir, language, assignment):
                    print(f"wrote {path}")
            elif args.command == "release":
                english = release(release_dir, language, assignment)
                left = sum(len(contexts) for contexts in english.values())
                print(f"{translated_dir(release_dir, language, assignment)}: "
                      + (f"{left} text cell(s) left in English" if left else "every text cell "
                         "translated"))
            else:
                problems.extend(_check(release_dir, language, assignment))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
