"""Admin pieces every app's admin shares."""


class DanishSlugsMixin:
    """For a ModelAdmin with `prepopulated_fields`: the slug suggested while typing spells æ, ø
    and å as ae, oe and aa, as almennet.text.danish_slugify does on the server. Django's
    admin/js/urlify.js comes first in ModelAdmin.media, this script after it."""

    class Media:
        # urlify.js named first so the merged Media keeps it before this script.
        js = ["admin/js/urlify.js", "js/danish-slugs.js"]


def inline_add_text_install() -> None:
    """The admin's "Add another …" link under an inline reads as a sentence: Django writes
    capfirst(verbose_name) into it, which in Danish gave "Tilføj endnu en Session" (Danish
    capitalises no nouns). The name stays as written; an inline whose noun takes "et" in
    Danish sets `add_another_text` to the whole sentence ("Tilføj endnu et billede")."""
    import json

    from django.contrib.admin import helpers
    from django.utils.translation import gettext

    original = helpers.InlineAdminFormSet.inline_formset_data
    if getattr(original, "is_portal_version", False):
        return

    def inline_formset_data(self):
        data = json.loads(original(self))
        text = getattr(self.opts, "add_another_text", None)
        data["options"]["addText"] = (
            str(text)
            if text
            else (
                gettext("Add another %(verbose_name)s") % {"verbose_name": self.opts.verbose_name}
            )
        )
        return json.dumps(data)

    inline_formset_data.is_portal_version = True
    helpers.InlineAdminFormSet.inline_formset_data = inline_formset_data
