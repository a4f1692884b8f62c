"""A changed English paragraph is shown in English, never as its stale translation.

The book's translation settings (``language``, ``locale_dirs``,
``gettext_compact``, ``gettext_location`` from ``_config.yml``) on a small
Sphinx project of two MyST paragraphs, through the translator's own steps:
a gettext build, ``sphinx-intl update``, translating, building in Korean;
then the English of one paragraph changes and the steps run again.
"""

import subprocess

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from tests.helpers import BIN, ROOT, tool_env

SETTINGS = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]

PAGE = """# Neurons

A neuron computes a weighted sum of its inputs.

The sum then passes through an activation function.
"""
TRANSLATED = {
    "Neurons": "뉴런",
    "A neuron computes a weighted sum of its inputs.": "뉴런은 입력의 가중합을 계산합니다.",
    "The sum then passes through an activation function.": "그 합은 활성화 함수를 거칩니다.",
}


def _run(*args, cwd):
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                            env=tool_env(), timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _steps(project):
    """The translator's steps: extract, merge into the catalogue; returns the catalogue path."""
    _run(BIN / "sphinx-build", "-q", "-b", "gettext", ".", "_build/gettext", cwd=project)
    _run(BIN / "sphinx-intl", "update", "-p", "_build/gettext", "-l", "ko", "-d",
         SETTINGS["locale_dirs"][0], cwd=project)
    return project / SETTINGS["locale_dirs"][0] / "ko" / "LC_MESSAGES" / "index.po"


def _korean_page(project):
    _run(BIN / "sphinx-build", "-q", "-E", "-b", "html", "-D", "language=ko", ".",
         "_build/ko", cwd=project)
    return (project / "_build" / "ko" / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "conf.py").write_text(
        "extensions = ['myst_parser']\n"
        + "".join(f"{key} = {SETTINGS[key]!r}\n" for key in
                  ["language", "locale_dirs", "gettext_compact", "gettext_location",
                   "gettext_uuid"]))
    (tmp_path / "index.md").write_text(PAGE)
    return tmp_path


def test_a_changed_paragraph_shows_in_english_until_translated_again(project):
    catalogue_path = _steps(project)
    with catalogue_path.open("rb") as file:
        catalogue = read_po(file)
    for message in catalogue:
        if message.id in TRANSLATED:
            message.string = TRANSLATED[message.id]
    with catalogue_path.open("wb") as file:
        write_po(file, catalogue)
    page = _korean_page(project)
    assert "뉴런은 입력의 가중합을 계산합니다." in page
    assert "그 합은 활성화 함수를 거칩니다." in page

    # The author rewrites the first paragraph; the catalogue is not updated yet.
    (project / "index.md").write_text(PAGE.replace(
        "A neuron computes a weighted sum of its inputs.",
        "A neuron computes a weighted sum of its inputs and adds a bias."))
    page = _korean_page(project)
    assert "A neuron computes a weighted sum of its inputs and adds a bias." in page
    assert "뉴런은 입력의 가중합을 계산합니다." not in page
    assert "그 합은 활성화 함수를 거칩니다." in page  # the unchanged paragraph stays Korean

    # The catalogue is updated: the old translation is kept only as a fuzzy suggestion.
    _steps(project)
    with catalogue_path.open("rb") as file:
        catalogue = read_po(file)
    changed = catalogue["A neuron computes a weighted sum of its inputs and adds a bias."]
    assert changed.fuzzy and changed.string == "뉴런은 입력의 가중합을 계산합니다."
    page = _korean_page(project)
    assert "A neuron computes a weighted sum of its inputs and adds a bias." in page
    assert "뉴런은 입력의 가중합을 계산합니다." not in page
