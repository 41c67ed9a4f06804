"""The portal's identity: the palette's contrast, one theme style sheet on Bootstrap's
variables, the mark, the self-hosted typeface, and the front page that invites action."""

import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
THEME = (STATIC / "css" / "theme.css").read_text(encoding="utf-8")


def _palette() -> dict[str, str]:
    return dict(re.findall(r"--almen-([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", THEME))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


# Every text colour the style sheets put on each background (text, background).
TEXT_PAIRS = [
    ("ink", "paper"),
    ("ink", "sand"),
    ("ink", "mint"),
    ("ink", "ochre"),  # the demo badge
    ("muted", "paper"),
    ("muted", "sand"),
    ("muted", "mint"),
    ("link", "paper"),
    ("link", "sand"),
    ("link-hover", "paper"),
    ("green", "paper"),  # outline buttons, the wordmark
    ("green", "sand"),
    ("green-dark", "mint"),  # date blocks, icons
    ("accent", "sand"),  # project icons
    ("accent", "paper"),
    ("paper", "green"),  # buttons, badges, the ambitions' numbers
    ("paper", "green-dark"),  # top bar, hero, footer
    ("on-dark-muted", "green-dark"),
    ("on-dark-muted", "green"),
    ("ochre", "green-dark"),  # footer headings
]


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS, ids=lambda v: v)
def test_palette_text_has_aa_contrast(text, background):
    palette = _palette()
    ratio = contrast(palette[text], palette[background])
    assert ratio >= 4.5, f"--almen-{text} on --almen-{background}: {ratio:.2f}:1, AA needs 4.5:1"


def test_focus_ring_is_visible_against_the_page():
    palette = _palette()
    # A focus indicator is a non-text graphic: 3:1 against what surrounds it.
    for background in ("paper", "sand", "mint"):
        assert contrast(palette["focus"], palette[background]) >= 3


def test_colours_live_in_the_theme_and_bootstrap_is_themed_by_its_variables():
    palette = _palette()
    assert {"green", "ink", "paper", "link"} <= palette.keys()
    for variable in ("--bs-primary", "--bs-body-color", "--bs-link-color", "--bs-font-sans-serif"):
        assert re.search(rf"{variable}:\s*", THEME), variable
    # The button themes set Bootstrap's component variables, not colours rule by rule.
    button = re.search(r"\.btn-primary \{([^}]*)\}", THEME).group(1)
    assert "--bs-btn-bg" in button and "background-color" not in button
    # The other style sheets use the palette's variables, not colours of their own.
    for name in ("site.css", "look.css"):
        css = (STATIC / "css" / name).read_text(encoding="utf-8")
        stray = set(re.findall(r"#[0-9a-fA-F]{6}\b", css))
        assert not stray, f"{name} defines colours outside theme.css: {sorted(stray)}"


def test_the_typeface_is_self_hosted_from_the_vendored_package():
    fonts = re.findall(r'url\("\.\./(vendor/source-sans-3/[^"]+\.woff2)"\)', THEME)
    assert fonts
    for font in fonts:
        assert (STATIC / font).stat().st_size > 10_000
    assert (STATIC / "vendor" / "source-sans-3" / "LICENSE").exists()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "@fontsource-variable/source-sans-3" in makefile


def test_the_mark_and_the_favicons():
    ns = "{http://www.w3.org/2000/svg}"
    for name in ("mark.svg", "logo.svg", "favicon.svg"):
        svg = ET.parse(STATIC / "img" / name).getroot()  # noqa: S314 - our own files
        assert svg.tag == f"{ns}svg"
        assert svg.find(f"{ns}title").text == "AlmenNet"
    ico = (STATIC / "favicon.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert (STATIC / "img" / "mark-mail.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- The front page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_front_page_leads_with_events_to_sign_up_for_search_and_knowledge(client):
    from events.models import Event, EventSession
    from publications.models import Publication
    from strategy.models import Ambition

    start = timezone.localtime() + datetime.timedelta(days=12)
    event = Event.objects.create(
        title="Temadag om klima", slug="temadag", is_published=True, capacity=40
    )
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    Publication.objects.create(title="Guide til renovering", slug="guide", is_published=True)
    for number in range(1, 7):
        Ambition.objects.create(number=number, title=f"Ambition {number}")

    html = client.get("/").content.decode()
    # In this order: the search, the next events, the newest knowledge, the ambitions.
    positions = [
        html.index('id="hero-search-q"'),
        html.index('id="next-events"'),
        html.index('id="newest-knowledge"'),
        html.index('id="ambitions"'),
    ]
    assert positions == sorted(positions)
    # The event: a date block, places left as a badge, a sign-up button.
    assert f'<span class="date-block-day">{start.day}</span>' in html
    assert "40 pladser tilbage" in html
    assert 'href="/events/temadag/#signup"' in html
    assert ">Tilmeld</a>" in html
    assert "Guide til renovering" in html
    # The ambitions are tiles that lead to the strategy, not a numbered list.
    assert "<ol" not in html.split('id="ambitions"', 1)[1]
    for number in range(1, 7):
        assert f'href="/strategy/#ambition-{number}"' in html
