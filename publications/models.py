import uuid
from pathlib import Path

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from almennet.html import sanitise_html
from almennet.images import cover_alt_check, cover_alt_constraint, validate_image
from almennet.lazy import ByPath
from almennet.storage import private_storage
from almennet.trigram import upper_trigram_index


def publication_file_path(instance, filename: str) -> str:
    # A random name: the stored path tells nothing and cannot be guessed.
    suffix = Path(filename).suffix.lower()[:8]
    return f"publications/files/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_on__lte=timezone.localdate())

    def visible_to(self, *, is_member: bool):
        return self if is_member else self.filter(is_member_only=False)

    def for_list(self):
        """What a list row shows, in a constant number of queries whatever the page size."""
        return (
            self.prefetch_related("organisations", "tags")
            .annotate(downloads=models.Sum("files__download_count", default=0))
            .order_by("-published_on", "-id")
        )


class Publication(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        GUIDE = "guide", _("Guide")
        HANDBOOK = "handbook", _("Handbook")
        TOOL = "tool", _("Tool")
        ARTICLE = "article", _("Article")
        CASE = "case", _("Case")
        NEWSLETTER = "newsletter", _("Newsletter issue")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    summary = models.TextField(_("summary"), max_length=800, blank=True)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Simple HTML: paragraphs, headings, lists, links. Anything else is removed."),
    )
    authors = models.CharField(
        _("authors"), max_length=500, blank=True, help_text=_("Names separated by commas.")
    )
    published_on = models.DateField(_("publication date"), default=timezone.localdate)
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="publications/covers/%Y/",
        blank=True,
        validators=[validate_image],
    )
    cover_alt_text = models.CharField(
        _("cover description for screen readers"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: what it shows, for people who cannot see it."),
    )
    organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="publications",
        verbose_name=_("publishing organisations"),
    )
    projects = models.ManyToManyField(
        "projects.Project",
        blank=True,
        related_name="publications",
        verbose_name=_("related projects"),
    )
    events = models.ManyToManyField(
        "events.Event", blank=True, related_name="publications", verbose_name=_("related events")
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="publications", verbose_name=_("tags")
    )
    is_member_only = models.BooleanField(_("members only"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_on", "-id"]
        constraints = [cover_alt_constraint("publication_cover_has_description")]
        # The admin's search (title, summary, authors): one index each, so PostgreSQL can OR
        # them (a field without one would make the whole search a scan of the table).
        indexes = [
            upper_trigram_index("title", name="publication_title_trgm"),
            upper_trigram_index("summary", name="publication_summary_trgm"),
            upper_trigram_index("authors", name="publication_authors_trgm"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        cover_alt_check(self)

    @property
    def author_list(self) -> list[str]:
        return [name.strip() for name in self.authors.split(",") if name.strip()]

    @property
    def is_visible_to_public(self) -> bool:
        return self.is_published and self.published_on <= timezone.localdate()


class PublicationFile(models.Model):
    """A file attached to a publication. Its type is read from its content, never its name;
    the metadata below is filled from the file when it is checked."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (docx)"
        XLSX = "xlsx", "Excel (xlsx)"
        PPTX = "pptx", "PowerPoint (pptx)"
        DOC = "doc", "Word (doc)"
        XLS = "xls", "Excel (xls)"
        PPT = "ppt", "PowerPoint (ppt)"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="files", verbose_name=_("publication")
    )
    title = models.CharField(_("title"), max_length=250, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=ByPath("publications.models.publication_file_path"),
        storage=private_storage,
        max_length=300,
        validators=[ByPath("publications.uploads.validate_publication_file")],
    )
    original_name = models.CharField(_("original file name"), max_length=250, blank=True)
    kind = models.CharField(_("file type"), max_length=10, choices=Kind.choices, editable=False)
    content_type = models.CharField(_("content type"), max_length=120, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    is_member_only = models.BooleanField(_("members only"), default=False)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title or self.original_name or self.file.name

    def save(self, *args, **kwargs):
        from .uploads import inspect_upload

        # Fill the metadata from the content whenever a new file arrives, whether it came
        # through a form (already checked by the field's validator) or from code.
        if self.file and not getattr(self.file, "_committed", True):
            if not self.original_name:
                self.original_name = Path(self.file.name).name[:250]
            facts = getattr(self.file, "checked_facts", None) or inspect_upload(self.file)
            self.kind = facts.kind
            self.content_type = facts.content_type
            self.size = facts.size
            self.page_count = facts.page_count
            self.text = facts.text
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "publications:download", kwargs={"slug": self.publication.slug, "pk": self.pk}
        )

    @property
    def display_name(self) -> str:
        return self.title or self.original_name or f"{self.publication.slug}.{self.kind}"

    @property
    def download_name(self) -> str:
        stem = Path(self.original_name).stem if self.original_name else self.publication.slug
        return f"{stem}.{self.kind}"
