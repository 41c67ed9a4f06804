"""Admin pieces every app's admin shares."""


class DanishSlugsMixin:
    """For a ModelAdmin with `prepopulated_fields`: the slug suggested while typing spells æ, ø
    and å as ae, oe and aa, as almennet.text.danish_slugify does on the server. Django's
    admin/js/urlify.js comes first in ModelAdmin.media, this script after it."""

    class Media:
        # urlify.js named first so the merged Media keeps it before this script.
        js = ["admin/js/urlify.js", "js/danish-slugs.js"]
