"""Folding and compound splitting (search.danish), without the database."""

import pytest

from search.danish import compound_parts, fold, split_compound


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("klimatilpasning", {"klima", "tilpasning"}),
        ("energirenovering", {"energi", "renovering"}),
        ("beboerdemokrati", {"beboer", "demokrati"}),
        ("huslejestigning", {"husleje", "stigning"}),
        ("udviklingsplan", {"udvikling", "plan"}),
        ("betonbyggeri", {"beton", "byggeri"}),
    ],
)
def test_compounds_split_into_their_words(word, parts):
    assert parts <= set(split_compound(word))


@pytest.mark.parametrize("word", ["fællesskab", "undersøgelse", "danmark", "egelund", "bolig"])
def test_common_words_and_names_stay_whole(word):
    assert split_compound(word) == ()


def test_compound_parts_of_a_text_are_listed_once():
    parts = compound_parts("Klimatilpasning og klimatilpasning af friarealer").split()
    assert parts.count("klima") == 1
    assert {"klima", "tilpasning", "fri", "arealer"} <= set(parts)


def test_fold_matches_the_sql_function():
    assert fold("Grønne Gårde i Århus, Æbler og café") == "groenne gaarde i aarhus, aebler og cafe"
