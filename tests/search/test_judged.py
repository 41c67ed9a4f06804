"""The judged query set: recall@10 over content this test creates (tests/search/judged.py)."""

import pytest

from search.query import search

from .judged import JUDGED, build_corpus

pytestmark = pytest.mark.django_db

RECALL_AT_10_MIN = 0.95


def test_the_judged_set_is_large_and_varied():
    assert len(JUDGED) >= 40
    assert sum(1 for expected in JUDGED.values() if not expected) >= 2


def test_recall_at_10_over_the_judged_queries(capsys):
    build_corpus()
    recalls = []
    misses = []
    for query, expected in JUDGED.items():
        results = search(query=query, can_see_member_only=False, per_page=10)
        found = [hit.title for hit in results.hits]
        if not expected:
            assert results.total == 0, f"{query!r} should find nothing, found {found}"
            continue
        hit = [title for title in expected if title in found]
        recalls.append(len(hit) / len(expected))
        if len(hit) < len(expected):
            misses.append(f"{query!r}: missing {sorted(set(expected) - set(hit))}, got {found}")
    recall = sum(recalls) / len(recalls)
    with capsys.disabled():
        print(f"\nrecall@10 over {len(recalls)} judged queries: {recall:.3f}")
        for miss in misses:
            print("  " + miss)
    assert recall >= RECALL_AT_10_MIN, "\n".join(misses)
