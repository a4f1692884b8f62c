"""The catalogues kept in step with the code: extracted again and compared, every entry translated.

The messages are extracted from the source with Babel, as the README's
commands do, and compared with the template (``mlkit/locales/mlkit.pot``) and
the Korean catalogue: a message of the code missing from them, or an entry
no longer in the code, fails with the list. Every Korean entry must be
translated and not fuzzy, keep the placeholders of its English, and read in
합니다체 with the glossary's terms.
"""

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from mlkit.messages.catalogue import LOCALES, catalogue_path
from tests.helpers import ROOT

KEYWORDS = {"tr": None, "shown": None}  # the -k of `pybabel extract` in the README
PACKAGE = ROOT / "mlkit"


def _read(path, locale=None):
    with Path(path).open("rb") as file:
        return read_po(file, locale=locale, ignore_obsolete=True)


@pytest.fixture(scope="module")
def extracted():
    """msgid -> the files it comes from, as `pybabel extract` finds them now."""
    with (LOCALES / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = {}
    for filename, _, msgid, _, _ in extract_from_dir(str(PACKAGE), method_map, options_map,
                                                      keywords=KEYWORDS):
        found.setdefault(msgid, set()).add(filename)
    return found


@pytest.fixture(scope="module")
def template():
    return _read(LOCALES / "mlkit.pot")


@pytest.fixture(scope="module")
def korean():
    return _read(catalogue_path("ko"), locale="ko")


def _ids(catalog):
    return {message.id for message in catalog if message.id}


def _difference(code, catalogue, name):
    missing = sorted(set(code) - catalogue)
    obsolete = sorted(catalogue - set(code))
    return (f"{name} is stale; update it with the README's commands (Translating the "
            f"messages).\nIn the code, not in {name}: {missing}\nIn {name}, no longer in the "
            f"code: {obsolete}") if missing or obsolete else ""


def test_template_matches_the_code(extracted, template):
    """Every message of the code is in mlkit.pot, and nothing else is."""
    problem = _difference(extracted, _ids(template), "mlkit.pot")
    assert not problem, problem


def test_korean_catalogue_matches_the_code(extracted, korean):
    """The Korean catalogue holds the template's messages, no more, no fewer."""
    problem = _difference(extracted, _ids(korean), "ko/LC_MESSAGES/mlkit.po")
    assert not problem, problem


def test_every_message_translated(korean):
    """Every Korean entry has a translation, and none is fuzzy (its English changed since)."""
    untranslated = [message.id for message in korean if message.id and not message.string]
    fuzzy = [message.id for message in korean if message.id and message.fuzzy]
    assert untranslated == [] and fuzzy == [], (
        f"untranslated: {untranslated}\nfuzzy (check the translation against the new English, "
        f"then remove the fuzzy flag): {fuzzy}")


def test_translations_keep_the_placeholders(korean):
    """Each translation has the placeholders of its English, so that it can be formatted."""
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in korean.check()]
    assert problems == []


def test_placeholders_are_named():
    """Placeholders are %(name)s only (translators may reorder them), literal % doubled."""
    bad = []
    for message in _read(LOCALES / "mlkit.pot"):
        if message.id and "%" in message.id:
            rest = re.sub(r"%\([a-z_]+\)s|%%", "", message.id)
            if "%" in rest:
                bad.append(message.id)
    assert bad == []


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in KEYWORDS:
            yield node


def test_every_marked_text_is_a_literal():
    """tr() and shown() get a string literal, which extraction can see (never an f-string)."""
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            first = call.args[0] if call.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                bad.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert bad == []


# Endings of 해요체 (and plain 해라체 commands): the catalogue is written in 합니다체.
NOT_HAMNIDA = re.compile(r"(?:[아어여해]요|세요|죠|[가-힣]라)(?=[.!?)]|$)|(?:나요|까요)\?")


def test_korean_reads_in_hamnida_style(korean):
    """Every sentence of the Korean catalogue ends in 합니다체 (no 해요체 or 해라체 ending)."""
    found = [(message.id, match) for message in korean if message.id
             for match in NOT_HAMNIDA.findall(message.string)]
    assert found == []


def _glossary():
    """English term -> its Korean names, from book/glossary.md (one term, then its names)."""
    lines = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").split("```{glossary}")[1]
    terms, current = {}, None
    for line in lines.split("\n"):
        if not line.strip() or line.startswith((" ", ":", "```")):
            current = None
            continue
        if current is None:
            current = line.strip()
            terms[current] = []
        else:
            terms[current].append(line.strip())
    return {term: names for term, names in terms.items() if names}


# The glossary's terms where the messages use them as words (not as code: sigmoid(x), the
# argument `logits`), and how the English says them; "one-hot" qualifies a row or a label too.
PROSE = {
    "learning rate": r"\blearning rate", "cross-entropy": r"\bcross-entropy",
    "hidden layer": r"\bhidden (?:dense )?layers?\b", "chain rule": r"\bchain rule",
    "gradient descent": r"\bgradient descent", "one-hot encoding": r"\bone-hot\b",
    "mini-batch": r"\bmini-batch", "logit": r"\blogits (?=\(any)|\(the logits\)",
    "epoch": r"\bepochs?\b", "bias": r"\bbias(?:es)?\b", "weight": r"\bweights?\b",
    "label": r"\blabels?\b", "feature": r"\bfeatures?\b", "standardization": r"\bstandardi",
}
ALSO = {"one-hot encoding": ["원-핫"]}  # 원-핫 행, 원-핫 레이블


def test_korean_uses_the_glossary_terms(korean):
    """Where the English uses a glossary term, the translation uses one of its Korean names."""
    glossary = _glossary()
    missing = []
    for message in korean:
        if not message.id:
            continue
        prose = re.sub(r"`[^`]*`|'[^']*'|\w+\([^)]*\)|\w+=\S+|\b\w+_\w+\b", "",
                       message.id.lower())
        for term, english in PROSE.items():
            names = glossary[term] + ALSO.get(term, [])
            if re.search(english, prose) and not any(name in message.string for name in names):
                missing.append((term, message.id))
    assert missing == []


def _readme_commands():
    """The commands of the README's "Translating the messages", continuation lines joined."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Translating the messages.**"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def test_readme_commands_leave_the_catalogues_as_committed(tmp_path):
    """The README's commands, run on a copy of the package, give the committed catalogues."""
    import shutil
    import subprocess

    from tests.helpers import tool_env

    shutil.copytree(PACKAGE, tmp_path / "mlkit",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for command in _readme_commands():
        subprocess.run(command, shell=True, cwd=tmp_path, env=tool_env(), check=True,
                       capture_output=True, timeout=300)
    for relative in ("mlkit.pot", "ko/LC_MESSAGES/mlkit.po"):
        ours, theirs = _read(LOCALES / relative, "ko"), _read(tmp_path / "mlkit/locales" /
                                                               relative, "ko")
        assert {(m.id, m.string, m.fuzzy) for m in ours if m.id} == \
            {(m.id, m.string, m.fuzzy) for m in theirs if m.id}, relative
