"""The book's figures in a translated edition: drawn again with their words translated.

A chapter's figure is displayed with its PNG and with the figure itself,
pickled (:data:`mlkit.plotting.FIGURE_MIME`). This module is a MyST-NB plugin
for the two builds of a translated edition that need the pickle (MyST-NB finds
it through the ``myst_nb.mime_renderers`` entry point in ``pyproject.toml``):

- **gettext** (making the translation catalogues): each figure's words
  (:func:`mlkit.plotting.figure_words`) and its alt text become messages of
  the chapter's own catalogue, beside its paragraphs and captions;
- **HTML in another language**, when the build prefers :data:`FIGURE_MIME`
  over PNG (``nb_mime_priority_overrides``): the figure is drawn again with
  each word as the chapter's catalogue translates it, and its alt text is
  translated too. The chapter is not executed again: the figure comes from
  the execution cache.

A build that prefers PNG (the English edition) never calls this plugin for a
figure.
"""

from mlkit.plotting import FIGURE_MIME, figure_words, load_figure, redraw

__all__ = ["TranslatedFigures", "page_translations"]


class TranslatedFigures:
    """MyST-NB's mime render plugin for :data:`mlkit.plotting.FIGURE_MIME`."""

    # gettext renders no images: without this, it would never see a figure.
    mime_priority_overrides = (("gettext", FIGURE_MIME, 1),)

    @staticmethod
    def handle_mime(renderer, data, inline):
        """Nodes for a figure's display, or None for any other output (MyST-NB's protocol)."""
        if data.mime_type != FIGURE_MIME:
            return None
        env = renderer.renderer.sphinx_env
        figure = load_figure(data.string)
        if env.app.builder.name == "gettext":
            return _messages(renderer, data, figure)
        catalogue = page_translations(env)
        png = _png_data(data, redraw(figure, lambda word: _translate(catalogue, word)))
        nodes = renderer.render_image(png)
        for node in nodes:
            if node.get("alt"):
                node["alt"] = catalogue.gettext(node["alt"])
        return nodes


def _messages(renderer, data, figure):
    """One paragraph per message: the figure's words, then its alt text."""
    from docutils import nodes

    options = renderer.renderer.get_cell_level_config(
        "render_image_options", data.cell_metadata, line=data.line)
    messages = figure_words(figure) + ([str(options["alt"])] if options.get("alt") else [])
    paragraphs = []
    for message in messages:
        paragraph = nodes.paragraph(message, message)
        paragraph.source = renderer.renderer.document["source"]
        paragraph.line = data.line or 1
        paragraphs.append(paragraph)
    return paragraphs


def _translate(catalogue, word):
    """The word's translation; Sphinx's messages have their line breaks made spaces."""
    message = word.replace("\n", " ").strip()
    translated = catalogue.gettext(message)
    return word if translated == message else translated


def page_translations(env):
    """The translations of the page being read, as Sphinx's own i18n transform finds them.

    Args:
        env: Sphinx's build environment, while it reads a page.

    Returns:
        A ``gettext.NullTranslations``: its ``gettext(message)`` is the page's
        translation of ``message``, or ``message`` itself when there is none.
    """
    from pathlib import Path

    from sphinx.locale import init
    from sphinx.util.i18n import docname_to_domain

    directories = [str(Path(env.srcdir) / directory) for directory in env.config.locale_dirs]
    domain = docname_to_domain(env.docname, env.config.gettext_compact)
    catalogue, _ = init(directories, env.config.language, domain)
    return catalogue


def _png_data(data, png):
    from base64 import b64encode
    from dataclasses import replace

    return replace(data, mime_type="image/png", content=b64encode(png).decode("ascii"),
                   output_metadata={})
