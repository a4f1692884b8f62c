"""How the translated editions treat what is not prose: formulas and computed numbers.

**Formulas are not messages.** Sphinx extracts display formulas (math blocks)
into the catalogues as if they were text to translate; a formula is the same
in every language, so they are marked untranslatable here and stay out of
the catalogues (the translated page shows the source's formula).

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
from sphinx.transforms import SphinxTransform


class FormulasAreNotMessages(SphinxTransform):
    """Mark display formulas untranslatable, before Sphinx's i18n transform (priority 20)."""

    default_priority = 10

    def apply(self, **kwargs):
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
