"""How the translated editions treat what is not prose: formulas and computed numbers.

**Formulas are not messages.** Sphinx extracts display formulas (math blocks)
into the catalogues as if they were text to translate; a formula is the same
in every language, so they are marked untranslatable here and stay out of
the catalogues (the translated page shows the source's formula).

**The parts' captions of the table of contents** are put into the root page
after Sphinx has translated it (``sphinx-external-toc`` inserts them): they
are translated here, from the root page's catalogue, where the gettext build
put them.

**Numbers a chapter computes, in its translated paragraphs.**

A chapter puts computed numbers into its text with MyST-NB's glue role,
``{glue:text}`key:format```, which reads the outputs of the notebook being
parsed. Sphinx parses a translated paragraph as a document of its own (the
message alone), where no notebook is being parsed, so the same role in the
Korean text finds nothing. In a translated message this role reads the
chapter's own glue instead, as ``{glue:text}`chapter.md::key:format``` would
(MyST-NB's cross-document form, resolved from the chapter's stored outputs),
so a translator keeps the role exactly as the English has it.
"""

from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from mlkit.translated_figures import page_translations


class FormulasAreNotMessages(SphinxTransform):
    """Mark display formulas untranslatable, before Sphinx's i18n transform (priority 20)."""

    default_priority = 10

    def apply(self, **kwargs):
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


class TranslateTocCaptions(SphinxTransform):
    """Translate the captions sphinx-external-toc inserts (its transform has priority 100)."""

    default_priority = 101

    def apply(self, **kwargs):
        if (self.config.language or "en") == "en":
            return
        translations = page_translations(self.env)
        for toctree in self.document.findall(addnodes.toctree):
            if toctree.get("caption"):
                toctree["caption"] = translations.gettext(toctree["rawcaption"])


class TranslatedPasteText(PasteTextRole):
    """``{glue:text}``, which in a translated message reads its own chapter's glue."""

    def run(self):
        source = str(self.document.get("source", ""))
        if source.endswith("<translated>") and "::" not in self.text:
            env = self.document.settings.env
            # "key" alone means the format "s"; written out, or "doc::key" would split wrongly.
            text = self.text if ":" in self.text else f"{self.text}:s"
            self.text = f"{Path(env.doc2path(env.docname)).name}::{text}"
        return super().run()


def setup(app):
    app.setup_extension("myst_nb")
    app.add_role_to_domain("glue", "text", TranslatedPasteText(), override=True)
    app.add_transform(FormulasAreNotMessages)
    app.add_transform(TranslateTocCaptions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
