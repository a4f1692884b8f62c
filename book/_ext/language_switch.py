"""A button on every page that opens the same page in the book's other language.

The English edition is the site's root and the Korean edition its ``ko/``
folder (book/_ext/editions.py builds both), so the same page of the other
edition is a relative address: ``book/neurons.html`` and
``ko/book/neurons.html``. Each page also names its other-language version in
a ``<link rel="alternate" hreflang>`` for search engines and screen readers.

Example:
    >>> other_edition("book/neurons", "en")
    ('ko', '../ko/book/neurons.html')
    >>> other_edition("book/neurons", "ko")
    ('en', '../../book/neurons.html')
"""

from pathlib import Path

#: Each edition's language, the language its button offers, and the button's words.
SWITCH = {
    "en": ("ko", "한국어", "이 쪽을 한국어로 읽기"),
    "ko": ("en", "English", "Read this page in English"),
}


def other_edition(pagename, language):
    """The other edition's language and the address of ``pagename`` there, from this page."""
    if language not in SWITCH:
        raise ValueError(f"`language` must be one of {sorted(SWITCH)}. Received: {language!r}")
    other = SWITCH[language][0]
    up = "../" * pagename.count("/")
    if language == "en":
        return other, f"{up}{other}/{pagename}.html"
    return other, f"../{up}{pagename}.html"


def _add_switch(app, pagename, templatename, context, doctree):
    language = app.config.language or "en"
    if language not in SWITCH or "header_buttons" not in context:
        return
    other, url = other_edition(pagename, language)
    _, text, tooltip = SWITCH[language]
    context["header_buttons"].append({
        "type": "link", "url": url, "text": text, "tooltip": tooltip,
        "icon": "fas fa-language", "label": "language-switch",
    })
    context["metatags"] = (context.get("metatags", "")
                           + f'\n<link rel="alternate" hreflang="{other}" href="{url}" />')


def _static(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", _static)
    # After the theme's own buttons (priority 501), so that the switch comes last.
    app.connect("html-page-context", _add_switch, priority=502)
    app.add_js_file("language_switch.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
