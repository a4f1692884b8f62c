"""Check the Korean edition's catalogues: markup kept, glossary terms, share translated.

A translated message is MyST text like its English: formulas, inline code,
cross-references, citations and computed numbers (``{glue:text}``) must come
through unchanged, or the Korean page shows a wrong formula, a broken link or
a different number. The check compares each translation with its English:

- the same formulas (``$...$``, ``$$...$$``), inline code and links;
- the same roles with the same targets (``{ref}``, ``{numref}``, ``{cite:p}``,
  ``{glue:text}``, ``{launch}``, ...): a cross-reference's own words may be
  translated (``{ref}`다음 장 <chapter-backprop>```), its target may not;
  ``{term}``'s target may be the Korean name of the term; every ``{term}``
  target must be an entry of the glossary (``book/glossary.md``), and the
  translation links as many terms;
- the glossary's entries themselves (its terms) stay untranslated: they are
  the targets that both editions' links resolve to.

Messages that need no translation (formulas, code or references alone, the
glossary's terms, text already in Korean) are not counted in the share.

Usage, from the repository root::

    python book/_ext/translations.py            # every catalogue: problems, then the shares
    python book/_ext/translations.py neurons    # one chapter's catalogue

Example:
    >>> for problem in problems("See $x_1$ and {ref}`intro`.", "$x_2$ 를 보십시오.", set()):
    ...     print(problem)
    formulas differ: $x_1$ is missing; $x_2$ was added
    roles differ: {ref}`intro` is missing
"""

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "book" / "locales" / "ko" / "LC_MESSAGES" / "book"
#: Catalogues not counted in the share translated: the API reference is mlkit's
#: docstrings, which stay English in both editions (they are the code's own text).
NOT_COUNTED = {"api"}

HANGUL = re.compile(r"[\uac00-\ud7a3]")
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)[^$]+?(?<!\\)\$")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
CODE = re.compile(r"(?<![}`])`([^`]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
TERM_TARGET = re.compile(r"^(?:.*<(?P<target>[^>]+)>|(?P<plain>.*))$", re.DOTALL)


def _pieces(text):
    """The markup of a message: formulas, roles, code and links, each as a Counter."""
    display = DISPLAY_MATH.findall(text)
    rest = DISPLAY_MATH.sub(" ", text)
    inline = INLINE_MATH.findall(rest)
    rest = INLINE_MATH.sub(" ", rest)
    roles = ROLE.findall(rest)
    code = CODE.findall(ROLE.sub(" ", rest))
    return {
        "formulas": Counter(display + inline),
        "roles": Counter(f"{{{name}}}`{_role_target(name, target)}`"
                         for name, target in roles if name != "term"),
        "terms": [_term_target(target) for name, target in roles if name == "term"],
        "code": Counter(code),
        "links": Counter(LINK.findall(rest)),
    }


#: Roles whose text may be ``words <target>``: a translation may change the words.
TITLED_ROLES = {"ref", "numref", "doc", "download", "term"}


def _role_target(name, text):
    """What a role points to: its target alone for a titled cross-reference."""
    return _term_target(text) if name in TITLED_ROLES else text


def _term_target(text):
    """The glossary entry a ``{term}`` role names: ``words <entry>`` or ``entry``."""
    match = TERM_TARGET.match(text.strip())
    return (match["target"] or match["plain"]).strip()


def _difference(name, english, korean):
    missing = sorted((english - korean).elements())
    added = sorted((korean - english).elements())
    if not missing and not added:
        return []
    parts = ([f"{', '.join(missing)} is missing"] if missing else []) + (
        [f"{', '.join(added)} was added"] if added else [])
    return [f"{name} differ: {'; '.join(parts)}"]


def glossary_terms(path=ROOT / "book" / "glossary.md"):
    """The entries of the glossary: each term line of its ``{glossary}`` block."""
    text = path.read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    return {line.strip() for line in block.splitlines()
            if line.strip() and not line.startswith((" ", ":"))}


def problems(english, korean, terms):
    """What a translation changed of its English's markup, as sentences (empty: none).

    Args:
        english: the message (``msgid``).
        korean: its translation (``msgstr``), not empty.
        terms: the glossary's entries (:func:`glossary_terms`).
    """
    source, target = _pieces(english), _pieces(korean)
    found = []
    for name in ("formulas", "roles", "code", "links"):
        found += _difference(name, source[name], target[name])
    unknown = [term for term in target["terms"] if term.lower() not in
               {entry.lower() for entry in terms}]
    if unknown:
        found.append(f"{{term}} targets that are not glossary entries: {', '.join(unknown)}")
    if len(target["terms"]) != len(source["terms"]):
        found.append(f"{len(source['terms'])} {{term}} links in the English, "
                     f"{len(target['terms'])} in the translation")
    return found


def needs_translation(message, terms):
    """Whether a message has words to translate: not markup alone, a term, or Korean already."""
    if message in terms or (HANGUL.search(message)
                            and not re.search(r"[A-Za-z]{3,}", _words(message))):
        return False
    return bool(re.search(r"[A-Za-z]{2,}", _words(message)))


def _words(message):
    """The message without formulas, roles, code and links."""
    text = DISPLAY_MATH.sub(" ", message)
    text = INLINE_MATH.sub(" ", text)
    text = ROLE.sub(" ", text)
    text = CODE.sub(" ", text)
    return LINK.sub(" ", text)


def read(path):
    """A catalogue, read with Babel."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as file:
        return read_po(file)


def check(path, terms):
    """(problems as ``(message, sentence)`` pairs, messages to translate, translated ones)."""
    found, total, done = [], 0, 0
    glossary = Path(path).stem == "glossary"
    for message in read(path):
        if not message.id or not isinstance(message.id, str):
            continue
        if glossary and message.id in terms:
            if message.string:
                found.append((message.id, "a glossary entry must stay untranslated: it is the "
                                          "target of the {term} links of both editions"))
            continue
        if not needs_translation(message.id, terms):
            continue
        total += 1
        if message.string and not message.fuzzy:
            done += 1
            found += [(message.id, sentence) for sentence in
                      problems(message.id, message.string, terms)]
    return found, total, done


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or sorted(
        path.stem for path in CATALOGUES.glob("*.po"))
    terms = glossary_terms()
    failed = False
    shares = []
    for name in names:
        path = CATALOGUES / f"{name}.po"
        if not path.is_file():
            raise SystemExit(f"no catalogue {path.relative_to(ROOT)}: the chapters are "
                             f"{sorted(p.stem for p in CATALOGUES.glob('*.po'))}")
        found, total, done = check(path, terms)
        for message, sentence in found:
            failed = True
            print(f"{name}: {sentence}\n    in: {message[:120]!r}")
        shares.append((name, total, done))
    for name, total, done in shares:
        note = " (not counted)" if name in NOT_COUNTED else ""
        print(f"{name:>16}: {done:4d} of {total:4d} messages translated{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
