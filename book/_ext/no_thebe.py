"""Leave sphinx-thebe's scripts out of the pages.

Jupyter Book 1 always loads the sphinx-thebe extension, which turns code cells
into live ones run on Binder. The book does not use it (``launch_buttons.thebe``
is off; its Binder and Colab buttons open whole notebooks), yet every page got
sphinx-thebe's configuration script twice, which the browser reports as an
error ("Identifier 'THEBE_JS_URL' has already been declared"), and that script
names a CDN (unpkg) for thebe itself. The pages are better without them.
"""


def _is_thebe(asset):
    filename = str(getattr(asset, "filename", None) or "")
    body = getattr(asset, "attributes", {}).get("body", "")
    return "sphinx-thebe" in filename or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    # After the theme and extensions have added their files.
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
