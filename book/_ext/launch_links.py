"""The ``{launch}`` role: open a notebook of the repository in Colab or on Binder.

``{launch}`exercises/keras_mlp/keras_mlp.ipynb``` renders as "Open it in Colab
or on Binder", with both links made from the book's repository
(``repository.url`` and ``repository.branch`` in ``_config.yml``, which Jupyter
Book passes on as the theme's ``repository_url`` and ``repository_branch``),
the same settings the chapters' own launch buttons use. The path is relative
to the repository root and must name a notebook that exists, or the build
warns (an error in the strict build).
"""

from pathlib import Path
from urllib.parse import quote, urlparse

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

COLAB = "https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/{path}"
BINDER = "https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath={urlpath}"


def launch_urls(repository_url, branch, path):
    """``(colab, binder)`` URLs that open ``path`` of a GitHub repository."""
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
    if not path.endswith(".ipynb") or not (root / path).is_file():
        logger.warning("{launch} needs a notebook of the repository, given relative to its "
                       "root; %r is not one", path, location=(env.docname, lineno))
        return [nodes.literal(rawtext, path)], []
    try:
        colab, binder = launch_urls(theme.get("repository_url", ""),
                                    theme.get("repository_branch") or "main", path)
    except ValueError as err:
        logger.warning(str(err), location=(env.docname, lineno))
        return [nodes.literal(rawtext, path)], []
    result = [nodes.Text("Open it in "),
              nodes.reference("", "Colab", refuri=colab, classes=["launch-colab"]),
              nodes.Text(" or on "),
              nodes.reference("", "Binder", refuri=binder, classes=["launch-binder"]),
              nodes.Text(".")]
    return result, []


def setup(app):
    app.add_role("launch", launch_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
