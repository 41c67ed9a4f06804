from django.shortcuts import render
from django.views.decorators.http import require_GET

from .query import search as run_search
from .query import suggest as run_suggest
from .registry import viewer_sees_member_only


@require_GET
def search(request):
    results = run_search(
        query=request.GET.get("q", ""),
        can_see_member_only=viewer_sees_member_only(user=request.user),
        params=request.GET,
        page=request.GET.get("page") or 1,
    )
    return render(request, "search/search.html", {"results": results})


@require_GET
def suggest(request):
    """The header search box's listbox: the top hits for what has been typed (htmx)."""
    query = request.GET.get("q", "")
    suggestions = run_suggest(
        query=query, can_see_member_only=viewer_sees_member_only(user=request.user)
    )
    # Visitors' answers may come from the page cache (almennet/page_cache.py), which serves and
    # stores only requests without a session; a member's answer is never stored there.
    return render(
        request,
        "search/includes/_suggestions.html",
        {"suggestions": suggestions, "query": query.strip()},
    )
