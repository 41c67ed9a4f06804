"""Form widgets the apps share."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

# The editor's buttons: Quill's format name -> what the button is called (its title and label).
RICHTEXT_LABELS = {
    "header": _("Heading"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "underline": _("Underline"),
    "list-ordered": _("Numbered list"),
    "list-bullet": _("Bulleted list"),
    "blockquote": _("Quote"),
    "link": _("Link"),
    "clean": _("Remove formatting"),
    "editor": _("Text editor"),
    "visit": _("Visit link:"),
    "edit": _("Edit"),
    "remove": _("Remove"),
    "save": _("Save"),
    "enter": _("Link address:"),
    "heading-2": _("Heading"),
    "heading-3": _("Subheading"),
    "normal": _("Normal text"),
}


class RichTextarea(forms.Textarea):
    """A textarea that static/js/richtext.js turns into a Quill editor (static/vendor/quill):
    headings, bold, italic, underline, lists, quotes and links, the things almennet/html.py
    keeps. The editor writes its HTML into the textarea, which is what the form posts, so the
    field still works without JavaScript; the model sanitises what is saved. No inline script
    or style: it runs under the portal's Content Security Policy."""

    class Media:
        css = {"all": ["vendor/quill/quill.snow.css", "css/richtext.css"]}
        js = ["vendor/quill/quill.js", "js/richtext.js"]

    def __init__(self, attrs=None):
        super().__init__({"rows": 14, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = {key: str(label) for key, label in RICHTEXT_LABELS.items()}
        context["widget"]["attrs"]["data-richtext"] = json.dumps(labels, ensure_ascii=False)
        return context
