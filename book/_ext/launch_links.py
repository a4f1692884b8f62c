"""The ``{launch}`` role: open a notebook of the repository in Colab or on Binder.

``{launch}`exercises/keras_mlp/keras_mlp.ipynb``` renders as "Open it in Colab
or on Binder", with both links made from the book's repository
(``repository.url`` and ``repository.branch`` in ``_config.yml``, which Jupyter
Book passes on as the theme's ``repository_url`` and ``repository_branch``),
the same settings the chapters' own launch buttons use. The path is relative
to the repository root and must name a notebook that exists, or the build
warns (an error in the strict build).

In a translated edition of the book (Sphinx's ``language``, e.g. ``ko``), an
assignment's notebook ``exercises/<a>/<a>.ipynb`` is linked in its translated
release, ``exercises/ko/<a>/<a>.ipynb`` (see ``mlkit.grading.translations``),
and the sentence is in that language; :func:`translated_path` gives the path
and ``launch_urls(..., language="ko")`` the links.
"""

from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlparse

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

COLAB = "https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/{path}"
BINDER = "https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath={urlpath}"
# The sentence around the two links, per language: (before Colab, between, after Binder).
SENTENCES = {"en": ("Open it in ", " or on ", "."),
             "ko": ("", "이나 ", "에서 열 수 있습니다.")}


def translated_path(path, language):
    """The path of an assignment's notebook in the release of ``language``.

    ``exercises/<a>/<nb>.ipynb`` becomes ``exercises/<language>/<a>/<nb>.ipynb``;
    other paths, and any path for English (or no language), stay as they are.

    Example:
        >>> translated_path("exercises/softmax/softmax.ipynb", "ko")
        'exercises/ko/softmax/softmax.ipynb'
        >>> translated_path("exercises/softmax/softmax.ipynb", None)
        'exercises/softmax/softmax.ipynb'
    """
    parts = PurePosixPath(path).parts
    if language in (None, "", "en") or len(parts) != 3 or parts[0] != "exercises":
        return path
    if not (isinstance(language, str) and language.isalpha()):
        raise ValueError(f"`language` must be a language code such as 'ko'. Received: {language!r}")
    return str(PurePosixPath(parts[0], language, *parts[1:]))


def launch_urls(repository_url, branch, path, language=None):
    """``(colab, binder)`` URLs that open ``path`` of a GitHub repository.

    With ``language`` (e.g. ``"ko"``), an assignment's notebook is opened in
    that language's release (:func:`translated_path`).
    """
    path = translated_path(path, language)
    parts = urlparse(repository_url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.netloc != "github.com" or len(segments) != 2:
        raise ValueError("repository.url must be a GitHub repository, "
                         f"https://github.com/<owner>/<name>. Received: {repository_url!r}")
    owner, name = segments[0], segments[1].removesuffix(".git")
    colab = COLAB.format(owner=owner, name=name, branch=branch, path=path)
    binder = BINDER.format(owner=owner, name=name, branch=branch,
                           urlpath=quote(f"lab/tree/{path}", safe=""))
    return colab, binder


def launch_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    theme = env.config.html_theme_options
    path = text.strip()
    root = Path(env.srcdir)
    language = env.config.language if env.config.language in SENTENCES else "en"
    if language != "en" and not (root / translated_path(path, language)).is_file():
        logger.warning("{launch}: %r has no %r release; run ./dev.sh translations",
                       path, language, location=(env.docname, lineno))
        language = "en"
    if not path.endswith(".ipynb") or not (root / path).is_file():
        logger.warning("{launch} needs a notebook of the repository, given relative to its "
                       "root; %r is not one", path, location=(env.docname, lineno))
        return [nodes.literal(rawtext, path)], []
    try:
        colab, binder = launch_urls(theme.get("repository_url", ""),
                                    theme.get("repository_branch") or "main", path, language)
    except ValueError as err:
        logger.warning(str(err), location=(env.docname, lineno))
        return [nodes.literal(rawtext, path)], []
    before, between, after = SENTENCES[language]
    result = [nodes.Text(before),
              nodes.reference("", "Colab", refuri=colab, classes=["launch-colab"]),
              nodes.Text(between),
              nodes.reference("", "Binder", refuri=binder, classes=["launch-binder"]),
              nodes.Text(after)]
    return result, []


def setup(app):
    app.add_role("launch", launch_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
