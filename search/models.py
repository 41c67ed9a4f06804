from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One row per searchable thing: the text that is searched, with its stored, GIN-indexed
    vector, and what facets and access need. Kept current by `search.index` on save and
    delete of every registered model."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    subkind = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # The parts of the compounds in the title, and in the summary and body (search.danish).
    title_parts = models.TextField(blank=True)
    text_parts = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    url_name = models.CharField(max_length=100, blank=True)
    url_kwargs = models.JSONField(default=dict, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    organisation_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    focus_area_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    is_member_only = models.BooleanField(default=False)
    is_published = models.BooleanField(default=True)
    visible_from = models.DateField(null=True, blank=True)
    # Everything, to find the matches; the rank vector holds the title and the summary (with
    # their compound parts) only, small enough to rank thousands of matches quickly.
    vector = SearchVectorField(null=True)
    rank_vector = SearchVectorField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_doc_unique_object"
            )
        ]
        indexes = [
            GinIndex(fields=["vector"], name="search_doc_vector"),
            models.Index(fields=["kind", "object_id"], name="search_doc_kind_object"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchTerm(models.Model):
    """The words of the indexed titles and summaries, for "did you mean": `folded` (search_fold,
    so ASCII) carries a trigram index that pg_trgm's word_similarity searches."""

    word = models.CharField(max_length=100, unique=True)
    folded = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [
            GinIndex(OpClass("folded", name="gin_trgm_ops"), name="search_term_folded_trgm"),
        ]

    def __str__(self):
        return self.word
