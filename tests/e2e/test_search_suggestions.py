"""Browser: suggestions while typing in the header's search box, by pointer and by keyboard,
and the results page's filters behind a button on a phone."""

import pytest

from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory

AXE_OPEN = """async () => await axe.run(document, {resultTypes: ['violations']})"""


@pytest.fixture
def klima():
    project = ProjectFactory(
        title="Klimatilpasning af friarealer",
        slug="klimatilpasning-af-friarealer",
        summary="Regnbede og grønne områder mellem blokkene.",
    )
    PublicationFactory(title="Klimaregnskab for boligafdelinger")
    PublicationFactory(title="Klimaregnskab for medlemmer", is_member_only=True)
    return project


def _violations_while_open(page) -> list:
    # axe_violations() in conftest blurs the focused box, which closes the listbox; here the
    # page is judged with the suggestions showing.
    page.add_script_tag(url=page.base_url + "/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(AXE_OPEN)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_typing_klima_suggests_the_project_and_opens_it(page, klima):
    page.goto(page.base_url + "/")
    box = page.locator("#site-search")
    box.press_sequentially("kl")
    page.wait_for_timeout(600)
    assert page.locator("#site-search-listbox [role=option]").count() == 0  # under three letters
    box.press_sequentially("ima", delay=50)
    options = page.locator("#site-search-listbox [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    texts = options.all_inner_texts()
    assert any("Klimatilpasning af friarealer" in text for text in texts)
    assert not any("for medlemmer" in text for text in texts)
    assert _violations_while_open(page) == []

    page.locator("#site-search-listbox [role=option]", has_text="Klimatilpasning").click()
    page.wait_for_url("**/projects/klimatilpasning-af-friarealer/")
    assert page.locator("h1").inner_text() == "Klimatilpasning af friarealer"


def test_the_suggestions_work_from_the_keyboard(page, klima):
    page.goto(page.base_url + "/")
    box = page.locator("#site-search")
    box.press_sequentially("klimatilp", delay=30)
    page.locator("#site-search-listbox [role=option]").first.wait_for()
    box.press("ArrowDown")
    first = page.locator("#site-search-listbox [role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("a", delay=30)
    page.locator("#site-search-listbox [role=option]").first.wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/projects/klimatilpasning-af-friarealer/")


def test_on_a_phone_the_filters_wait_behind_a_button(phone_page, klima):
    page = phone_page
    page.goto(page.base_url + "/search/?q=klima")
    facets = page.locator("#search-facets")
    assert not facets.is_visible()
    first_hit = page.locator(".search-hit").first
    box = first_hit.bounding_box()
    assert box is not None and box["y"] < 844, "the first hit is below the first screen"
    page.locator(".search-filters-toggle").click()
    facets.wait_for(state="visible")
    assert page.locator(".search-filters-toggle").get_attribute("aria-expanded") == "true"
