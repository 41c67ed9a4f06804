"""Slugs for Danish titles and names, the one way the portal makes them.

Django's slugify drops letters it cannot turn into ASCII, so "Fællesskab på Ærø" became
"fllesskab-p-r"; Danes write æ, ø and å as ae, oe and aa in addresses. The admin's slug
suggestion while typing follows the same table: static/js/danish-slugs.js (loaded by
`almennet.admin.DanishSlugsMixin`).
"""

from django.utils.text import slugify

DANISH_LETTERS = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}
_DANISH = str.maketrans(DANISH_LETTERS)


def danish_slugify(text: object) -> str:
    """A lower-case ASCII slug with æ, ø and å spelled out: "Fællesskab på Ærø" ->
    "faellesskab-paa-aeroe". Empty for None or text without letters or digits."""
    return slugify(str(text or "").translate(_DANISH))
