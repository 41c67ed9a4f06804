"""Danish words as readers type them: folding æ/ø/å to their aa/oe/ae spellings, and splitting
compounds into the words they are made of.

Compounds are split at index time against the Danish word list that the `wordfreq` package
ships (about 30,000 common words with their frequencies): "klimatilpasning" becomes
"klima tilpasning", "beboerdemokratiet" "beboer demokratiet", "huslejestigning"
"husleje hus leje stigning". The parts are indexed beside the word itself, so a search for
either part finds the compound, while the word itself still ranks higher.
"""

import functools
import re
import unicodedata

# The same mapping as the SQL function search_fold() (search/migrations/0001_initial.py): the
# Danish letters first, to the spellings used before 1948 and in addresses (Aarhus, Groen),
# then every other accent removed.
FOLD = str.maketrans({"å": "aa", "Å": "AA", "ø": "oe", "Ø": "OE", "æ": "ae", "Æ": "AE"})
WORD = re.compile(r"\w+")

# A compound is at least this long; each part at least MIN_PART letters.
MIN_COMPOUND = 7
MIN_PART = 3
# A three-letter part ("fri", "hus") must be a common word, or every compound would split on
# rare abbreviations.
SHORT_PART_MIN_ZIPF = 4.5
# Linking letters between the parts of a compound (udvikling-s-plan, hjem-me-side is too rare
# to matter).
LINKS = ("", "s", "e")
# A word this common (wordfreq's Zipf scale: 4 is once in 100,000 words) is left whole.
COMMON_WORD_ZIPF = 3.8
# Endings that are words of their own in the list but never the tail of a compound.
SUFFIXES = frozenset(
    [
        "ning",
        "ninger",
        "else",
        "elser",
        "erne",
        "ene",
        "hed",
        "heder",
        "heden",
        "skab",
        "skaber",
        "dom",
        "lig",
        "elig",
        "isk",
        "ende",
        "ere",
        "est",
        "sel",
        "inger",
        "ing",
        "ingen",
        "ens",
        "ets",
        "ers",
    ]
)


def fold(text: str) -> str:
    text = text.translate(FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@functools.cache
def _lexicon() -> dict[str, float]:
    from wordfreq import top_n_list, zipf_frequency

    words: dict[str, float] = {}
    for word in top_n_list("da", 100_000):
        if len(word) < MIN_PART or not word.isalpha():
            continue
        zipf = zipf_frequency(word, "da")
        if len(word) == MIN_PART and zipf < SHORT_PART_MIN_ZIPF:
            continue
        words[word] = zipf
    return words


@functools.lru_cache(maxsize=50_000)
def split_compound(word: str, depth: int = 0) -> tuple[str, ...]:
    """The parts of a Danish compound; () when the word is no compound.

    A split needs a known head and a tail that is a known word or itself a compound. Of the
    possible splits, two parts beat more, and then the split whose shorter part is longest
    wins (klima+tilpasning beats klimat+ilpasning, which has no known tail anyway). A word
    that is common on its own (fællesskab, undersøgelse, Danmark) is not split: its "parts"
    would be suffixes (-skab, -else) or accidents (dan+mark)."""
    word = word.lower()
    if len(word) < MIN_COMPOUND or depth > 2 or not word.isalpha():
        return ()
    lexicon = _lexicon()
    if lexicon.get(word, 0.0) >= COMMON_WORD_ZIPF:
        return ()
    best: tuple[tuple, tuple[str, ...]] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[:cut]
        if head not in lexicon:
            continue
        for link in LINKS:
            if not word.startswith(link, cut):
                continue
            tail = word[cut + len(link) :]
            if len(tail) < MIN_PART or tail in SUFFIXES:
                continue
            if tail in lexicon:
                score = (1, min(len(head), len(tail)), lexicon[head] + lexicon[tail])
                parts = (head, tail, *split_compound(tail, depth + 1))
            else:
                inner = split_compound(tail, depth + 1)
                if not inner:
                    continue
                score = (0, min(len(head), len(inner[0])), lexicon[head])
                parts = (head, *inner)
            if best is None or score > best[0]:
                best = (score, parts)
    return best[1] if best else ()


def compound_parts(text: str) -> str:
    """The parts of every compound in `text`, once each, as one string for the index."""
    seen: dict[str, None] = {}
    for word in {match.lower() for match in WORD.findall(text)}:
        for part in split_compound(word):
            if part != word:
                seen.setdefault(part, None)
    return " ".join(seen)


def words(text: str) -> list[str]:
    return [match.lower() for match in WORD.findall(text)]
