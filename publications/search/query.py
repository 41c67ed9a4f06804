"""Reading the search index: ranked hits with highlighted snippets, facets and suggestions.

Whatever the query holds (punctuation only, SQL, HTML, NUL bytes, a novel), the answer is a
normal page: the text goes to PostgreSQL only as a bound parameter of websearch_to_tsquery,
and every snippet is escaped before its hit markers become <mark>.
"""

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.core.paginator import Paginator
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Left
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .index import MARKERS, registrations

QUERY_MAX_CHARS = 200
PER_PAGE = 20
# "Did you mean": how alike a query word and a title word must be (difflib ratio), and how
# many visible titles are compared at most.
SUGGESTION_CUTOFF = 0.75
SUGGESTION_SCAN_LIMIT = 50_000
FACET_PARAMS = ("type", "year", "focus", "org")
ASCII_NUMBER = re.compile(r"[0-9]{1,12}")


def normalise_query(raw: Any) -> str:
    """Printable text only, single spaces, at most QUERY_MAX_CHARS characters."""
    text = str(raw or "")[: QUERY_MAX_CHARS * 4]
    text = "".join(" " if unicodedata.category(char)[0] in ("C", "Z") else char for char in text)
    for marker in MARKERS:
        text = text.replace(marker, " ")
    text = " ".join(text.split())
    return text[:QUERY_MAX_CHARS].strip()


def has_words(text: str) -> bool:
    return bool(re.search(r"\w", text))


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str = ""


@dataclass
class Facet:
    param: str
    label: str
    options: list[FacetOption]


@dataclass
class Hit:
    kind: str
    kind_label: str
    subkind_label: str
    title: str
    title_html: SafeString
    url: str
    year: int | None
    date: Any
    snippet: SafeString
    is_member_only: bool


@dataclass
class Suggestion:
    title: str
    url: str
    kind_label: str


@dataclass
class SearchResults:
    query: str
    was_truncated: bool = False
    has_words: bool = True
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: Any = None
    facets: list[Facet] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    filters: dict = field(default_factory=dict)


def clean_filters(params) -> dict:
    """The facet filters from the query string; anything malformed is ignored."""
    kinds = registrations()
    filters: dict = {}
    value = params.get("type")
    if value in kinds:
        filters["type"] = value
    for name in ("year", "focus", "org"):
        raw = str(params.get(name) or "")
        if ASCII_NUMBER.fullmatch(raw):
            filters[name] = int(raw)
    return filters


def visible_documents(*, can_see_member_only: bool):
    from publications.models import SearchDocument

    today = timezone.localdate()
    documents = SearchDocument.objects.filter(is_published=True).filter(
        Q(visible_from__isnull=True) | Q(visible_from__lte=today)
    )
    if not can_see_member_only:
        documents = documents.filter(is_member_only=False)
    return documents


def document_url(document) -> str:
    if document.url:
        # Stored in the default language; the same page in the viewer's language.
        return translate_url(document.url, get_language())
    if document.url_name:
        try:
            return reverse(document.url_name, kwargs=document.url_kwargs or {})
        except NoReverseMatch:
            return ""
    return ""


def highlight(headline: str) -> SafeString:
    """Escape the snippet, then turn the hit markers (which escaping leaves alone) into <mark>."""
    start, stop = MARKERS
    escaped = str(escape(headline or ""))
    if escaped.count(start) != escaped.count(stop):
        escaped = escaped.replace(start, "").replace(stop, "")
    # Safe: everything but our own <mark> pairs was escaped two lines above.
    return mark_safe(escaped.replace(start, "<mark>").replace(stop, "</mark>"))  # noqa: S308


def search(
    *, query: Any, can_see_member_only: bool, params=None, page: Any = 1, per_page: int = PER_PAGE
) -> SearchResults:
    raw = str(query or "")
    text = normalise_query(raw)
    results = SearchResults(query=text, was_truncated=len(" ".join(raw.split())) > QUERY_MAX_CHARS)
    results.filters = clean_filters(params or {})
    if not text:
        return results
    if not has_words(text):
        results.has_words = False
        return results

    tsquery = SearchQuery(text, config="danish", search_type="websearch")
    base = visible_documents(can_see_member_only=can_see_member_only)
    matches = base.filter(vector=tsquery)

    # One pass over the matches, ranked on the small rank vector, gives the facet counts, the
    # total and the order; snippets are then made for one page only.
    rows = list(
        matches.annotate(rank=SearchRank(F("rank_vector"), tsquery, normalization=Value(1)))
        .values_list("kind", "year", "organisation_ids", "focus_area_ids", "id", "rank", "date")
        .order_by()
    )
    results.facets = _facets(rows, results.filters)
    _link_facets(results.facets, text, results.filters)
    chosen = [row for row in rows if _passes(row, results.filters)]
    chosen.sort(key=_order)
    results.total = len(chosen)
    page_obj = Paginator([row[4] for row in chosen], per_page).get_page(page)
    results.page = page_obj
    ids = list(page_obj.object_list)
    results.hits = _hits(ids, tsquery) if ids else []
    if results.total == 0:
        results.suggestions = suggestions(text, base)
    return results


def _hits(ids: list[int], tsquery) -> list[Hit]:
    from publications.models import SearchDocument

    kinds = registrations()
    headline = SearchHeadline(
        Concat("summary", Value(" \n "), Left("body", 50_000)),
        tsquery,
        config="danish",
        start_sel=MARKERS[0],
        stop_sel=MARKERS[1],
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    title_headline = SearchHeadline(
        "title",
        tsquery,
        config="danish",
        start_sel=MARKERS[0],
        stop_sel=MARKERS[1],
        highlight_all=True,
    )
    documents = SearchDocument.objects.filter(id__in=ids).annotate(
        headline=headline, title_headline=title_headline
    )
    documents = documents.defer("body", "vector")
    by_id = {document.id: document for document in documents}
    hits = []
    for document_id in ids:
        document = by_id.get(document_id)
        if document is None:
            continue
        registration = kinds.get(document.kind)
        hits.append(
            Hit(
                kind=document.kind,
                kind_label=str(registration.label) if registration else document.kind,
                subkind_label=registration.subkind_label(document.subkind) if registration else "",
                title=document.title,
                title_html=highlight(document.title_headline),
                url=document_url(document),
                year=document.year,
                date=document.date,
                snippet=highlight(document.headline),
                is_member_only=document.is_member_only,
            )
        )
    return hits


def _link_facets(facets: list[Facet], text: str, filters: dict) -> None:
    """Each option links to the same search with that option chosen, or, when it is chosen
    already, without it."""
    for facet in facets:
        for option in facet.options:
            chosen = {key: value for key, value in filters.items() if key != facet.param}
            if not option.selected:
                chosen[facet.param] = option.value
            option.url = "?" + urlencode({"q": text, **chosen})


FacetRow = tuple  # (kind, year, organisation_ids, focus_area_ids, id, rank, date)


def _order(row: FacetRow):
    """Best rank first, then the newest, then by id so that pages are stable."""
    date = row[6]
    return (-(row[5] or 0.0), date is None, -(date.toordinal() if date else 0), row[4])


def _passes(row: FacetRow, filters: dict, skip: str | None = None) -> bool:
    kind, year, organisation_ids, focus_area_ids = row[:4]
    return (
        (skip == "type" or not filters.get("type") or kind == filters["type"])
        and (skip == "year" or not filters.get("year") or year == filters["year"])
        and (skip == "focus" or not filters.get("focus") or filters["focus"] in focus_area_ids)
        and (skip == "org" or not filters.get("org") or filters["org"] in organisation_ids)
    )


def _count(rows: list[FacetRow], filters: dict, param: str, values) -> Counter:
    """For one facet: how many matches carry each value, with the other facets' filters on."""
    counts: Counter = Counter()
    for row in rows:
        if _passes(row, filters, skip=param):
            counts.update(values(row))
    return counts


def _facets(rows: list[FacetRow], filters: dict) -> list[Facet]:
    from django.utils.translation import gettext as _

    from members.models import Organisation
    from publications.models import Publication

    kinds = registrations()
    facets = []

    type_counts = _count(rows, filters, "type", lambda row: [row[0]])
    options = [
        FacetOption(
            value=kind,
            label=str(kinds[kind].label_plural) if kind in kinds else kind,
            count=n,
            selected=filters.get("type") == kind,
        )
        for kind, n in type_counts.items()
    ]
    facets.append(Facet("type", _("Type"), sorted(options, key=lambda o: (-o.count, o.label))))

    year_counts = _count(rows, filters, "year", lambda row: [row[1]] if row[1] else [])
    facets.append(
        Facet(
            "year",
            _("Year"),
            [
                FacetOption(str(year), str(year), n, filters.get("year") == year)
                for year, n in sorted(year_counts.items(), reverse=True)[:15]
            ],
        )
    )

    focus_area_model = Publication._meta.get_field("focus_areas").related_model
    for param, label, position, model, name_field in (
        ("focus", _("Focus area"), 3, focus_area_model, "title"),
        ("org", _("Organisation"), 2, Organisation, "name"),
    ):
        counts = dict(_count(rows, filters, param, lambda row, i=position: row[i]).most_common(12))
        names = dict(model.objects.filter(pk__in=counts).values_list("pk", name_field))
        facets.append(
            Facet(
                param,
                label,
                [
                    FacetOption(str(pk), names[pk], n, filters.get(param) == pk)
                    for pk, n in counts.items()
                    if pk in names
                ],
            )
        )
    return facets


def _title_words(text: str) -> list[str]:
    return [word for word in re.findall(r"\w+", text.casefold()) if len(word) >= 4]


def suggestions(text: str, base, limit: int = 5) -> list[Suggestion]:
    """Titles that look like the query, for 'did you mean', when nothing matched.

    Each query word is compared with the words of the titles the viewer may see (difflib's
    ratio, so "helhedsplaan" finds "helhedsplaner"); titles score the sum of their best word
    matches. This needs no PostgreSQL extension (the embedded server ships none, so pg_trgm is
    not an option) and runs only on searches without hits.
    """
    kinds = registrations()
    query_words = _title_words(text[:100])[:8]
    if not query_words:
        return []
    titles = list(base.values_list("pk", "title")[:SUGGESTION_SCAN_LIMIT])
    pks_by_word: dict[str, set[int]] = {}
    for pk, title in titles:
        for word in _title_words(title):
            pks_by_word.setdefault(word, set()).add(pk)
    scores: Counter = Counter()
    for word in query_words:
        for match in difflib.get_close_matches(word, pks_by_word, n=8, cutoff=SUGGESTION_CUTOFF):
            ratio = difflib.SequenceMatcher(None, word, match).ratio()
            for pk in pks_by_word[match]:
                scores[pk] += ratio
    if not scores:
        return []
    title_of = dict(titles)
    best = sorted(scores, key=lambda pk: (-scores[pk], title_of[pk]))[:limit]
    documents = {
        document.pk: document
        for document in base.filter(pk__in=best).only(
            "title", "kind", "url", "url_name", "url_kwargs"
        )
    }
    close = [documents[pk] for pk in best if pk in documents]
    return [
        Suggestion(
            title=document.title,
            url=document_url(document),
            kind_label=str(kinds[document.kind].label) if document.kind in kinds else "",
        )
        for document in close
    ]
