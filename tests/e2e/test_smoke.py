def test_front_page_is_danish_and_has_navigation(page):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("header nav").count() == 1
    assert page.locator("a.skip-link").count() == 1
