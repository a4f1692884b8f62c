"""Links between the chapters and the API reference, found in the chapters' sources.

A chapter *uses* an mlkit name when its code calls it through a backend alias
(``from mlkit import numpy as mk`` then ``mk.sigmoid``), imports it
(``from mlkit.datasets import load_mnist``) or shows its code
(``literalinclude`` of ``../mlkit/...`` with ``:pyobject:``). It *teaches* the
names whose code it shows; a name no chapter shows is taught by the first
chapter, in the order of the table of contents, that uses it.

Four things follow, so that no hand-kept table can go stale:

- every chapter ends with a section listing the mlkit functions it uses, each a
  cross-reference into the API page (a name the API page does not document is
  an unresolved reference, an error in the strict build);
- every function of the API page says which chapter teaches it and which other
  chapters use it;
- the docstrings' references by the names users import (``mlkit.numpy.MLP``)
  resolve to where autodoc documents them (``mlkit.numpy.mlp.MLP``);
- a module docstring's "Taught in the book chapter *Neurons*." links each
  chapter it names, found by its title; a title no chapter has is an error.

Everything is read with ``ast`` and regular expressions, without importing
mlkit: importing TensorFlow would cost a no-change rebuild several seconds.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from mlkit.translated_figures import page_translations

API_DOC = "book/api"
SECTION_TITLE = "mlkit in this chapter"
SECTION_INTRO = "The functions and classes of mlkit this chapter uses, in the API reference:"

_BACKEND_ALIAS = re.compile(r"from mlkit import (numpy|tensorflow) as (\w+)")
_FROM_IMPORT = re.compile(r"from (mlkit(?:\.\w+)*) import ([\w, ]+)")
_INCLUDE = re.compile(r"```\{literalinclude\} \.\./(mlkit/[\w/]+)\.py\s*\n:pyobject: ([\w.]+)")
_TAUGHT_IN = "Taught in the book chapter"
_TITLE = re.compile(r"\*([^*]+)\*")
_AUTOMODULE = re.compile(r"^\.\. automodule:: ([\w.]+)\n((?:   :\w[^\n]*\n)*)", re.MULTILINE)

logger = logging.getLogger(__name__)


def _module_file(root, module):
    """The source file of a dotted mlkit module name (a package's ``__init__.py``)."""
    path = root.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _public_names(path):
    """The names a module documents: its ``__all__`` if it is a literal, else its public defs.

    A def is a ``def`` or ``class`` statement, or a name assigned a call of
    ``composite`` (:mod:`mlkit._contract`), the public function around a kernel
    both backends share.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__"
                                                 for t in node.targets)):
            try:
                return list(ast.literal_eval(node.value))
            except ValueError:  # built from other modules' lists: no members documented here
                return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
              and getattr(node.value.func, "id", None) == "composite"):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
    return [name for name in names if not name.startswith("_")]


def api_targets(root):
    """Every documented name of the API page: short name -> list of full dotted targets."""
    text = (root / f"{API_DOC}.md").read_text(encoding="utf-8")
    targets = defaultdict(list)
    for module, options in _AUTOMODULE.findall(text):
        if ":members:" not in options:
            continue
        for name in _public_names(_module_file(root, module)):
            targets[name].append(f"{module}.{name}")
    return targets


def chapter_uses(source, targets):
    """The documented targets a chapter's source uses, and those whose code it shows."""
    aliases = {alias: f"mlkit.{backend}." for backend, alias in _BACKEND_ALIAS.findall(source)}
    wanted = set()  # (name, prefix of the target's module)
    for alias, prefix in aliases.items():
        for name in re.findall(rf"\b{alias}\.([A-Za-z]\w*)", source):
            wanted.add((name, prefix))
    for module, names in _FROM_IMPORT.findall(source):
        if module in ("mlkit",):
            continue
        for name in (part.strip() for part in names.split(",")):
            wanted.add((name, f"{module}."))
    shown = set()
    for path, qualname in _INCLUDE.findall(source):
        name = qualname.split(".")[0]
        shown.add((name, path.replace("/", ".") + "."))
    used, taught = set(), set()
    for pairs, into in ((wanted | shown, used), (shown, taught)):
        for name, prefix in pairs:
            into.update(t for t in targets.get(name, []) if t.startswith(prefix))
    return used, taught


def toc_documents(root):
    """The documents of the table of contents, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]
    for part in toc.get("parts", []):
        docs += [chapter["file"] for chapter in part["chapters"]]
    return docs


def chapter_titles(root):
    """Each document of the table of contents by its title, the text of its first heading."""
    titles = {}
    for doc in toc_documents(root):
        for line in (root / f"{doc}.md").read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                titles[line[2:].strip()] = doc
                break
    return titles


def link_chapter_titles(lines, titles):
    """A module docstring's "Taught in the book chapter(s) *Title*..." paragraph, as links.

    Args:
        lines: the docstring's lines, as autodoc gives them.
        titles: title -> document, from :func:`chapter_titles`.

    Returns:
        ``(lines, unknown)``: the lines with each ``*Title*`` of that paragraph a
        ``:doc:`` link, and the titles no chapter has.
    """
    start = next((i for i, line in enumerate(lines) if line.startswith(_TAUGHT_IN)), None)
    if start is None:
        return lines, []
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    unknown = []

    def link(match):
        title = " ".join(match.group(1).split())
        if title not in titles:
            unknown.append(title)
            return match.group(0)
        return f":doc:`{title} </{titles[title]}>`"

    paragraph = _TITLE.sub(link, "\n".join(lines[start:end])).split("\n")
    return lines[:start] + paragraph + lines[end:], unknown


def link_table(root):
    """``(uses, teachers)``: doc -> targets it uses; target -> (teaching docs, other users)."""
    targets = api_targets(root)
    uses, taught_by, used_by = {}, defaultdict(list), defaultdict(list)
    for doc in toc_documents(root):
        if doc == API_DOC:
            continue
        used, taught = chapter_uses((root / f"{doc}.md").read_text(encoding="utf-8"), targets)
        uses[doc] = sorted(used)
        for target in taught:
            taught_by[target].append(doc)
        for target in used:
            used_by[target].append(doc)
    teachers = {}
    for target, docs in used_by.items():
        teaching = taught_by.get(target) or docs[:1]
        teachers[target] = (teaching, [doc for doc in docs if doc not in teaching])
    return uses, teachers


def _xref(target, text):
    node = addnodes.pending_xref("", refdomain="py", reftype="obj", reftarget=target,
                                 refexplicit=True, refwarn=True)
    node += nodes.literal(text, text)
    return node


def _uses_section(doc, targets, translations, source):
    """A section listing a chapter's mlkit names, grouped by name, each backend a link.

    Its two sentences are messages of the chapter's catalogue (they carry the
    chapter's source, so that the gettext build extracts them), translated here:
    Sphinx translated the page before this section was added.
    """
    section = nodes.section(ids=[f"mlkit-in-{doc.rsplit('/', 1)[-1]}"])
    title = nodes.title(SECTION_TITLE, translations.gettext(SECTION_TITLE))
    intro = nodes.paragraph(SECTION_INTRO, translations.gettext(SECTION_INTRO))
    for node in (title, intro):
        node.source, node.line = source, 1
    section += [title, intro]
    by_name = defaultdict(list)
    for target in targets:
        module, name = target.rsplit(".", 1)
        by_name[name].append((module, target))
    items = nodes.bullet_list()
    for name in sorted(by_name, key=str.lower):
        paragraph = nodes.paragraph()
        for i, (module, target) in enumerate(sorted(by_name[name])):
            paragraph += nodes.Text(", " if i else "")
            paragraph += _xref(target, f"{module.removeprefix('mlkit.')}.{name}")
        items += nodes.list_item("", paragraph)
    section += items
    return section


def _on_doctree_read(app, doctree):
    doc = app.env.docname
    uses = app.env.mlkit_uses.get(doc)
    if not uses or doc == API_DOC:
        return
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is not None:
        top += _uses_section(doc, uses, page_translations(app.env), doctree["source"])


def _on_docstring(app, what, name, obj, options, lines):
    if what == "module":
        lines[:], unknown = link_chapter_titles(lines, app.env.mlkit_titles)
        for title in unknown:
            logger.warning(f"the docstring of {name} names a book chapter *{title}*; the table "
                           f"of contents has none of that title: {sorted(app.env.mlkit_titles)}")
        return
    teaching, others = app.env.mlkit_teachers.get(name, ([], []))
    if not teaching:
        return
    line = "**In the book:** taught in " + ", ".join(f":doc:`/{doc}`" for doc in teaching)
    if others:
        line += "; also used in " + ", ".join(f":doc:`/{doc}`" for doc in others)
    lines += ["", line + "."]


def _on_missing_reference(app, env, node, contnode):
    """Resolve mlkit's own short references to the object the API page documents.

    The docstrings say ``mlkit.numpy.MLP`` (the name users import) or ``step``
    (a name of the same backend), while autodoc documents each object where it
    is defined, ``mlkit.numpy.mlp.MLP``. A reference resolves to the one object
    of the same package with that name; anything else stays unresolved.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    if "." in target:
        package, name = target.rsplit(".", 1)
    else:
        package, name = (node.get("py:module") or "").rsplit(".", 1)[0], target
    if not package.startswith("mlkit"):
        return None
    domain = env.get_domain("py")
    matches = [full for full in domain.objects
               if full.startswith(f"{package}.") and full.endswith(f".{name}")
               and full.count(".") == package.count(".") + 2]
    if len(matches) != 1:
        return None
    entry = domain.objects[matches[0]]
    return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode,
                        matches[0])


def _on_builder_inited(app):
    root = Path(app.srcdir)
    app.env.mlkit_uses, app.env.mlkit_teachers = link_table(root)
    app.env.mlkit_titles = chapter_titles(root)


def _on_env_get_outdated(app, env, added, changed, removed):
    """A changed chapter may change who teaches what: read the API page again too (no execution)."""
    if (added | changed | removed) - {API_DOC}:
        return [API_DOC]
    return []


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.connect("env-get-outdated", _on_env_get_outdated)
    # Before the table-of-contents collector (priority 500), so the section is listed.
    app.connect("doctree-read", _on_doctree_read, priority=400)
    app.connect("autodoc-process-docstring", _on_docstring)
    app.connect("missing-reference", _on_missing_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
