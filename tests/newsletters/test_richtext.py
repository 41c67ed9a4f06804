"""The newsletter's plain-text part (newsletters/richtext.py html_to_text)."""

from newsletters.richtext import html_to_text


def test_a_list_does_not_run_into_the_next_paragraph():
    html = "<p>Program:</p><ul><li>Rundvisning</li><li>Frokost</li></ul><p>Farvet tekst</p>"
    assert html_to_text(html) == "Program:\n\n- Rundvisning\n- Frokost\n\nFarvet tekst"


def test_numbered_and_nested_lists_headings_and_line_breaks():
    html = (
        "<h2>Nyt fra sekretariatet</h2>"
        "<ol><li>Seminar<ul><li>Aarhus</li></ul></li><li>Kursus</li></ol>"
        "<p>Første linje<br>Anden   linje</p>"
    )
    assert html_to_text(html) == (
        "Nyt fra sekretariatet\n\n1. Seminar\n  - Aarhus\n2. Kursus\n\nFørste linje\nAnden linje"
    )


def test_links_keep_their_address_and_entities_and_scripts_are_handled():
    html = (
        '<p>Læs <a href="https://almennet.dk/r">rapporten</a> &amp; skriv til '
        '<a href="mailto:info@almennet.dk">info@almennet.dk</a></p><script>alert(1)</script>'
    )
    assert html_to_text(html) == (
        "Læs rapporten (https://almennet.dk/r) & skriv til info@almennet.dk"
    )


def test_empty_body_gives_empty_text():
    assert html_to_text("") == ""
    assert html_to_text(None) == ""
