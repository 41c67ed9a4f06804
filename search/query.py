"""Reading the search index: ranked hits with highlighted snippets, facets, "did you mean" and
suggestions while typing.

Whatever the query holds (punctuation only, SQL, HTML, NUL bytes, a novel), the answer is a
normal page: only words (letters and digits) reach PostgreSQL, always as bound parameters, and
every snippet is escaped before its hit markers become <mark>.

How Danish is matched (see README, "Search"):
- every word of three letters or more is also a prefix ("klima" finds "klimatilpasning"),
- the parts of compounds are indexed (search.danish), so "renovering" finds
  "Energirenovering",
- æ/ø/å and aa/oe/ae are the same letters on both sides (the SQL function search_fold),
- the danish snowball stemmer joins inflections ("boligafdelingerne", "boligafdeling"),
- a query without hits is corrected word by word from the indexed words with pg_trgm, and
  the corrected query's hits are shown under "Did you mean".

Facets, the total and the page of hits come from one SQL statement; the hits' snippets from a
second; the names of organisation and focus-area options from a third.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Left
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .index import MARKERS
from .registry import facet_kind, registrations

QUERY_MAX_CHARS = 200
PER_PAGE = 20
SUGGEST_MIN_CHARS = 3
SUGGEST_LIMIT = 6
# A word shorter than this is matched as written, not as a prefix ("tag" should not find
# "tagline"... but "klima" should find "klimatilpasning").
PREFIX_MIN_CHARS = 3
CORRECT_MIN_CHARS = 4
MAX_QUERY_WORDS = 12
# Snippets are cut from the summary and this much of the body: ts_headline parses all it is
# given, and a long PDF would cost more than the whole search.
SNIPPET_BODY_CHARS = 10_000
# Past the last page means the last page; this only keeps the OFFSET within bigint.
MAX_PAGE = 100_000
FACET_PARAMS = ("type", "year", "focus", "org")
FACET_OPTIONS_MAX = 12
ASCII_NUMBER = re.compile(r"[0-9]{1,12}")
WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r'-?"[^"]*"?|\S+')
# ts_rank's weights for D, C, B, A: title parts and the summary (B) count less than the title,
# body words (C) less again, parts of the body's compounds (D) least.
RANK_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"


def normalise_query(raw: Any) -> str:
    """Printable text only, single spaces, at most QUERY_MAX_CHARS characters."""
    text = str(raw or "")[: QUERY_MAX_CHARS * 4]
    text = "".join(" " if unicodedata.category(char)[0] in ("C", "Z") else char for char in text)
    for marker in MARKERS:
        text = text.replace(marker, " ")
    text = " ".join(text.split())
    return text[:QUERY_MAX_CHARS].strip()


def has_words(text: str) -> bool:
    return bool(WORD.search(text))


@dataclass
class ParsedQuery:
    """tsquery texts for to_tsquery(): `match` finds (words are prefixes), `exact` ranks the
    words as written above the longer words they begin, `words` are the query's own words."""

    match: str
    exact: str
    words: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.words


def _lexeme(word: str, *, prefix: bool) -> str:
    # `word` holds letters and digits only, so it can be quoted as it is.
    return f"'{word}':*" if prefix and len(word) >= PREFIX_MIN_CHARS else f"'{word}'"


def parse_query(text: str) -> ParsedQuery:
    """Web search syntax: words (all must match), "a phrase", -excluded, a OR b."""
    match_groups: list[list[str]] = []
    exact_groups: list[list[str]] = []
    positive: list[str] = []
    join_next = False
    count = 0
    for token in TOKEN.findall(text.lower()):
        if token == "or":  # noqa: S105 - the word OR between two terms, not a password
            join_next = bool(match_groups)
            continue
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        quoted = body.startswith('"')
        found = WORD.findall(body)[: MAX_QUERY_WORDS - count]
        if not found:
            continue
        count += len(found)
        if quoted:
            term = " <-> ".join(f"'{w}'" for w in found)
            match_term = exact_term = f"({term})"
        else:
            match_term = "(" + " & ".join(_lexeme(w, prefix=True) for w in found) + ")"
            exact_term = "(" + " & ".join(_lexeme(w, prefix=False) for w in found) + ")"
        if negate:
            match_term, exact_term = f"!{match_term}", f"!{exact_term}"
        else:
            positive.extend(found)
        if join_next and match_groups:
            match_groups[-1].append(match_term)
            exact_groups[-1].append(exact_term)
        else:
            match_groups.append([match_term])
            exact_groups.append([exact_term])
        join_next = False
        if count >= MAX_QUERY_WORDS:
            break
    if not positive:
        return ParsedQuery(match="", exact="", words=[])

    def joined(groups):
        return " & ".join("(" + " | ".join(group) + ")" for group in groups)

    return ParsedQuery(match=joined(match_groups), exact=joined(exact_groups), words=positive)


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
class SearchResults:
    query: str
    was_truncated: bool = False
    has_words: bool = True
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: Any = None
    facets: list[Facet] = field(default_factory=list)
    filters: dict = field(default_factory=dict)
    # When the query found nothing and a corrected one did: the hits are the corrected ones.
    corrected_query: str = ""
    corrected_url: str = ""


@dataclass
class Suggestion:
    title: str
    url: str
    kind_label: str


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


def document_url(*, url: str, url_name: str, url_kwargs: dict | None) -> str:
    if url:
        # Stored in the default language; the same page in the viewer's language.
        return translate_url(url, get_language())
    if url_name:
        try:
            return reverse(url_name, kwargs=url_kwargs or {})
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


# --- SQL ---

# A plain string: the rank weights, the words and the viewer are bound parameters.
_MATCHES = """
WITH q AS (
    SELECT to_tsquery('danish', search_fold(%(match)s)) AS m,
           to_tsquery('danish', search_fold(%(exact)s)) AS e
), hits AS MATERIALIZED (
    SELECT d.id, d.kind, d.year, d.date, d.organisation_ids, d.focus_area_ids,
           round((ts_rank(%(rank_weights)s::float4[], d.rank_vector, q.m, 1)
                  + ts_rank(%(rank_weights)s::float4[], d.rank_vector, q.e, 1))::numeric, 3)
               AS score
    FROM search_searchdocument d, q
    WHERE d.vector @@ q.m
      AND d.is_published
      AND (d.visible_from IS NULL OR d.visible_from <= %(today)s)
      AND (%(member)s OR NOT d.is_member_only)
)
"""
_ORDER = "score DESC, date DESC NULLS LAST, id"
_CONDITIONS = {
    "type": "kind = %(type)s",
    "year": "year = %(year)s",
    "focus": "%(focus)s = ANY(focus_area_ids)",
    "org": "%(org)s = ANY(organisation_ids)",
}


def _where(filters: dict, skip: str | None = None) -> str:
    conditions = [sql for name, sql in _CONDITIONS.items() if name in filters and name != skip] or [
        "TRUE"
    ]
    return " AND ".join(conditions)


# Each facet: its value per match (an array facet unnested in the select list, which
# PostgreSQL runs as one ProjectSet, cheaper than a lateral function scan per row).
_FACET_SQL = {
    "type": "kind",
    "year": "year::text",
    "focus": "unnest(focus_area_ids)::text",
    "org": "unnest(organisation_ids)::text",
}
# String-built SQL (noqa: S608 below) is safe here: every fragment is a constant of this module,
# and every value (the query's words, the filters, the page) is a bound %(name)s parameter.


def _ranked_sql(filters: dict, *, with_facets: bool) -> str:
    where = _where(filters)
    page = (
        "SELECT 'hit', id::text, position FROM ("  # noqa: S608 - constants, see above
        f"SELECT id, row_number() OVER (ORDER BY {_ORDER}) AS position FROM hits "
        f"WHERE {where} ORDER BY {_ORDER} LIMIT %(limit)s OFFSET %(offset)s) page"
    )
    parts = [f"SELECT 'total', NULL, count(*) FROM hits WHERE {where}", page]  # noqa: S608 - as above
    if with_facets:
        for param, value in _FACET_SQL.items():
            parts.append(
                f"SELECT '{param}', value, count(*) FROM (SELECT {value} AS value "  # noqa: S608 - constants
                f"FROM hits WHERE {_where(filters, param)}) facet "
                "WHERE value IS NOT NULL GROUP BY value"
            )
    return _MATCHES + " UNION ALL ".join(f"({part})" for part in parts)


@dataclass
class _Ranked:
    total: int
    ids: list[int]
    counts: dict[str, dict[str, int]]


def _ranked(
    parsed: ParsedQuery,
    *,
    can_see_member_only: bool,
    filters: dict,
    limit: int,
    offset: int,
    with_facets: bool,
) -> _Ranked:
    params = {
        "match": parsed.match,
        "exact": parsed.exact,
        "today": timezone.localdate(),
        "member": can_see_member_only,
        "rank_weights": RANK_WEIGHTS,
        "limit": limit,
        "offset": offset,
        **{name: filters[name] for name in FACET_PARAMS if name in filters},
    }
    # A prefix such as 'klima':* matches half the documents, and the planner then prefers to
    # read the whole table, testing every (toasted) vector; the bitmap from the GIN index
    # reads only the matching rows' small columns and is four times faster (see README).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_seqscan = off; " + _ranked_sql(filters, with_facets=with_facets),
            params,
        )
        rows = cursor.fetchall()
    ranked = _Ranked(total=0, ids=[], counts={name: {} for name in FACET_PARAMS})
    positioned = []
    for facet, value, count in rows:
        if facet == "total":
            ranked.total = count
        elif facet == "hit":
            positioned.append((count, int(value)))
        else:
            ranked.counts[facet][value] = count
    ranked.ids = [pk for _, pk in sorted(positioned)]
    return ranked


def _hits(ids: list[int], parsed: ParsedQuery) -> list:
    """The documents of one page, in order, with snippets highlighted for the query's words
    (the words as written, and longer words they begin)."""
    from .models import SearchDocument

    kinds = registrations()
    display = SearchQuery(parsed.match, config="danish", search_type="raw")
    headline = SearchHeadline(
        Concat("summary", Value(" \n "), Left("body", SNIPPET_BODY_CHARS)),
        display,
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
        display,
        config="danish",
        start_sel=MARKERS[0],
        stop_sel=MARKERS[1],
        highlight_all=True,
    )
    documents = (
        SearchDocument.objects.filter(id__in=ids)
        .annotate(headline=headline, title_headline=title_headline)
        .only(
            "kind",
            "subkind",
            "title",
            "url",
            "url_name",
            "url_kwargs",
            "year",
            "date",
            "is_member_only",
        )
    )
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
                url=document_url(
                    url=document.url, url_name=document.url_name, url_kwargs=document.url_kwargs
                ),
                year=document.year,
                date=document.date,
                snippet=highlight(document.headline),
                is_member_only=document.is_member_only,
            )
        )
    return hits


def _facet_names(counts: dict[str, dict[str, int]]) -> dict[str, dict[int, str]]:
    """Organisation and focus-area names from their own documents, in one query."""
    from .models import SearchDocument

    wanted = {}
    for param in ("org", "focus"):
        kind = facet_kind(param)
        top = sorted(counts[param].items(), key=lambda item: -item[1])[:FACET_OPTIONS_MAX]
        if kind and top:
            wanted[kind] = (param, [int(value) for value, _ in top])
    names: dict[str, dict[int, str]] = {"org": {}, "focus": {}}
    if not wanted:
        return names
    condition = None
    from django.db.models import Q

    for kind, (_param, ids) in wanted.items():
        clause = Q(kind=kind, object_id__in=ids)
        condition = clause if condition is None else condition | clause
    for kind, object_id, title in SearchDocument.objects.filter(condition).values_list(
        "kind", "object_id", "title"
    ):
        names[wanted[kind][0]][object_id] = title
    return names


def _facets(counts: dict[str, dict[str, int]], filters: dict) -> list[Facet]:
    kinds = registrations()
    type_options = [
        FacetOption(
            value=kind,
            label=str(kinds[kind].label_plural) if kind in kinds else kind,
            count=n,
            selected=filters.get("type") == kind,
        )
        for kind, n in counts["type"].items()
    ]
    facets = [Facet("type", _("Type"), sorted(type_options, key=lambda o: (-o.count, o.label)))]
    years = sorted(((int(year), n) for year, n in counts["year"].items()), reverse=True)[:15]
    facets.append(
        Facet(
            "year",
            _("Year"),
            [
                FacetOption(str(year), str(year), n, filters.get("year") == year)
                for year, n in years
            ],
        )
    )
    names = _facet_names(counts)
    for param, label in (("focus", _("Focus area")), ("org", _("Organisation"))):
        options = [
            FacetOption(value, names[param][int(value)], n, filters.get(param) == int(value))
            for value, n in counts[param].items()
            if int(value) in names[param]
        ]
        options.sort(key=lambda o: (-o.count, o.label))
        facets.append(Facet(param, label, options[:FACET_OPTIONS_MAX]))
    return facets


def _link_facets(facets: list[Facet], text: str, filters: dict) -> None:
    """Each option links to the same search with that option chosen, or, when it is chosen
    already, without it."""
    for facet in facets:
        for option in facet.options:
            chosen = {key: value for key, value in filters.items() if key != facet.param}
            if not option.selected:
                chosen[facet.param] = option.value
            option.url = "?" + urlencode({"q": text, **chosen})


def correct(words: list[str]) -> list[str]:
    """Each word of four letters or more that the index does not hold, replaced by the most
    alike indexed word (pg_trgm's trigram similarity over the folded spellings); one query."""
    candidates = [word for word in words if len(word) >= CORRECT_MIN_CHARS][:MAX_QUERY_WORDS]
    if not candidates:
        return words
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT w.word, (
                SELECT t.word FROM search_searchterm t
                WHERE t.folded %% search_fold(w.word)
                ORDER BY t.folded = search_fold(w.word) DESC,
                         similarity(t.folded, search_fold(w.word)) DESC, t.word
                LIMIT 1
            )
            FROM unnest(%s::text[]) AS w(word)
            """,
            [candidates],
        )
        best = dict(cursor.fetchall())
    return [best.get(word) or word for word in words]


def search(
    *, query: Any, can_see_member_only: bool, params=None, page: Any = 1, per_page: int = PER_PAGE
) -> SearchResults:
    raw = str(query or "")
    text = normalise_query(raw)
    results = SearchResults(query=text, was_truncated=len(" ".join(raw.split())) > QUERY_MAX_CHARS)
    results.filters = clean_filters(params or {})
    if not text:
        return results
    parsed = parse_query(text)
    if parsed.is_empty:
        results.has_words = has_words(text)
        return results

    try:
        number = min(max(1, int(str(page))), MAX_PAGE)
    except ValueError:
        number = 1
    ranked = _run(parsed, can_see_member_only, results.filters, number, per_page)
    if ranked.total == 0:
        corrected = " ".join(correct(parsed.words))
        if corrected != " ".join(parsed.words):
            again = parse_query(corrected)
            ranked = _run(again, can_see_member_only, results.filters, number, per_page)
            if ranked.total:
                parsed = again
                results.corrected_query = corrected
                results.corrected_url = "?" + urlencode({"q": corrected, **results.filters})
    results.total = ranked.total
    results.page = Paginator(range(ranked.total), per_page).get_page(number)
    results.facets = _facets(ranked.counts, results.filters)
    _link_facets(results.facets, results.corrected_query or text, results.filters)
    results.hits = _hits(ranked.ids, parsed) if ranked.ids else []
    return results


def _run(parsed, can_see_member_only, filters, number, per_page) -> _Ranked:
    ranked = _ranked(
        parsed,
        can_see_member_only=can_see_member_only,
        filters=filters,
        limit=per_page,
        offset=(number - 1) * per_page,
        with_facets=True,
    )
    last = max(1, -(-ranked.total // per_page))
    if number > last:  # past the end: the last page, as Paginator.get_page does
        ranked = _ranked(
            parsed,
            can_see_member_only=can_see_member_only,
            filters=filters,
            limit=per_page,
            offset=(last - 1) * per_page,
            with_facets=True,
        )
    return ranked


def suggest(*, query: Any, can_see_member_only: bool, limit: int = SUGGEST_LIMIT):
    """The top hits for what has been typed so far (three letters or more), for the header's
    search box: two queries, one to rank and one for the titles."""
    from .models import SearchDocument

    text = normalise_query(query)
    if len(text) < SUGGEST_MIN_CHARS:
        return []
    parsed = parse_query(text)
    if parsed.is_empty:
        return []
    ranked = _ranked(
        parsed,
        can_see_member_only=can_see_member_only,
        filters={},
        limit=limit,
        offset=0,
        with_facets=False,
    )
    kinds = registrations()
    documents = SearchDocument.objects.filter(id__in=ranked.ids).only(
        "kind", "title", "url", "url_name", "url_kwargs"
    )
    by_id = {document.id: document for document in documents}
    return [
        Suggestion(
            title=document.title,
            url=document_url(
                url=document.url, url_name=document.url_name, url_kwargs=document.url_kwargs
            ),
            kind_label=str(kinds[document.kind].label) if document.kind in kinds else "",
        )
        for document in (by_id.get(pk) for pk in ranked.ids)
        if document is not None
    ]
