import datetime

import factory
from factory.django import DjangoModelFactory

from devtools.pdf import simple_pdf
from publications.models import Publication, Tag


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Emne {n}")
    slug = factory.Sequence(lambda n: f"emne-{n}")


class PublicationFactory(DjangoModelFactory):
    class Meta:
        model = Publication
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Publikation {n}")
    slug = factory.Sequence(lambda n: f"publikation-{n}")
    kind = Publication.Kind.REPORT
    summary = "En rapport om almene boliger."
    published_on = datetime.date(2025, 3, 1)
    is_published = True


def pdf_bytes(text: str = "Tryghed i boligafdelingen", pages: int = 1) -> bytes:
    """A small real PDF whose pages carry `text` (extractable by pypdf)."""
    return simple_pdf([text] * pages if pages == 1 else [text, *[""] * 47] * pages)
