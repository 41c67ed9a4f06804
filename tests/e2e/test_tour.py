"""Every page of the URL map in the browser (tests/measure/tour.py), as a visitor, a member and
staff, at 1280 px and at a 390 px phone:

- axe-core finds no serious or critical violation at either width, and no picture is broken;
- on the phone nothing is wider than the screen, and every action in <main> (links, buttons,
  form controls) lies on screen horizontally, not behind the right edge or in a side-scroller.

And the visitor's front page weighs under 300 KB, everything it loads counted as production
sends it.
"""

import gzip
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.measure.tour import TOUR_ROLES, covers_give, tour
from tests.measure.world import build_world

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Everything in <main> a person acts on; hidden ones (a folded filter, a skip link) are left out.
OFF_SCREEN_ACTIONS = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const wide = document.documentElement.scrollWidth;
  if (wide > width) problems.push(`the page is ${wide} px wide`);
  const actions = document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main textarea,'
    + ' main summary, main [role=button]');
  for (const element of actions) {
    const rect = element.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;
    if (getComputedStyle(element).visibility === 'hidden') continue;
    if (element.closest('.visually-hidden, .visually-hidden-focusable')) continue;
    if (rect.left < -1 || rect.right > width + 1) {
      const label = (element.innerText || element.value || element.name || element.id || '')
        .trim().replace(/\\s+/g, ' ').slice(0, 50);
      problems.push(`<${element.tagName.toLowerCase()}> "${label}" at`
        + ` ${Math.round(rect.left)}..${Math.round(rect.right)} px`);
    }
  }
  return problems;
}"""


# Every picture on the page, lazy ones too, loads and decodes: never a broken image.
BROKEN_IMAGES = """async () => {
  const images = [...document.images];
  const broken = [];
  images.forEach((image) => { image.loading = 'eager'; });
  await Promise.all(images.map((image) => image.decode().catch(
    () => broken.push(image.currentSrc || image.src))));
  return broken;
}"""


def _serve_media(route):
    """Uploads as the web server (or the bucket) serves them; the test server serves no media."""
    name = unquote(urlsplit(route.request.url).path).removeprefix(settings.MEDIA_URL)
    file = Path(settings.MEDIA_ROOT) / name
    if ".." not in Path(name).parts and file.is_file():
        route.fulfill(path=file)
    else:
        route.fulfill(status=404)


def _context(browser, live_server, viewport, user=None):
    context = browser.new_context(
        locale="da-DK",
        viewport=viewport,
        is_mobile=viewport["width"] < 600,
        has_touch=viewport["width"] < 600,
    )
    context.set_default_timeout(30_000)
    context.route(f"{live_server.url}{settings.MEDIA_URL}**", _serve_media)
    if user is not None:
        client = Client()
        client.force_login(user)  # with the second factor (tests/conftest.py)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
    return context


def _walk(page, base_url: str, path: str) -> None:
    response = page.goto(base_url + path)
    status = response.status if response is not None else None
    assert status == 200, f"{path}: {status}"
    expect(page.locator("main")).to_be_visible()


@pytest.fixture
def tour_world(live_server, transactional_db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    world = build_world()
    covers_give(world)
    return world


@pytest.mark.parametrize("role", list(TOUR_ROLES))
def test_every_page_is_accessible_and_fits_a_phone(browser, live_server, tour_world, role):
    user = None if role == "visitor" else tour_world.users[TOUR_ROLES[role]]
    paths = tour(tour_world, role)
    problems: dict[str, list] = {}
    for viewport in (DESKTOP, PHONE):
        context = _context(browser, live_server, viewport, user)
        page = context.new_page()
        page.base_url = live_server.url
        try:
            for path in paths:
                _walk(page, live_server.url, path)
                where = f"{path} at {viewport['width']} px"
                broken = page.evaluate(BROKEN_IMAGES)
                if broken:
                    problems[f"images {where}"] = broken
                violations = axe_violations(page)
                if violations:
                    problems[f"axe {where}"] = violations
                if viewport is PHONE:
                    off_screen = page.evaluate(OFF_SCREEN_ACTIONS)
                    if off_screen:
                        problems[f"width {where}"] = off_screen
        finally:
            context.close()
    assert problems == {}, f"{role}: {problems}"


def test_the_phone_check_sees_an_action_off_the_edge(phone_page):
    """The check above cannot pass by not looking: a button pushed past the right edge of the
    phone's screen is reported."""
    page = phone_page
    page.goto(page.base_url + "/")
    page.evaluate(
        """() => { const b = document.createElement('button'); b.textContent = 'Afmeld';
        b.className = 'btn'; b.style.marginLeft = '420px';
        const box = document.createElement('div'); box.style.overflowX = 'auto';
        box.append(b); document.querySelector('main').append(box); }"""
    )
    problems = page.evaluate(OFF_SCREEN_ACTIONS)
    assert any('"Afmeld"' in problem for problem in problems), problems


def test_the_picture_check_sees_a_broken_image(phone_page):
    page = phone_page
    page.goto(page.base_url + "/")
    assert page.evaluate(BROKEN_IMAGES) == []
    page.evaluate(
        """() => { const image = document.createElement('img'); image.alt = 'x';
        image.src = '/media/findes-ikke.webp'; document.querySelector('main').append(image); }"""
    )
    assert page.evaluate(BROKEN_IMAGES) == [page.base_url + "/media/findes-ikke.webp"]


# WhiteNoise (CompressedManifestStaticFilesStorage) sends these compressed (gzip at level 9, or
# smaller brotli); fonts and pictures are compressed formats already and go as they are.
COMPRESSED_BY_WHITENOISE = ("text/css", "javascript", "image/svg+xml", "application/json")
WEIGHT_LIMIT = 300 * 1024


def test_the_visitors_front_page_weighs_under_300_kb(page):
    build_world()
    sizes: dict[str, int] = {}

    def weigh(response):
        if response.status != 200:
            return
        body = response.body()
        kind = response.headers.get("content-type", "")
        is_static = "/static/" in response.url
        if is_static and any(k in kind for k in COMPRESSED_BY_WHITENOISE):
            body = gzip.compress(body, compresslevel=9)
        sizes[response.url] = len(body)

    page.on("response", weigh)
    page.goto(page.base_url + "/")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    print(f"front page for a visitor: {total} bytes in {len(sizes)} responses")  # noqa: T201
    assert any(url.endswith(".css") for url in sizes), sizes  # the count saw the page's files
    assert total < WEIGHT_LIMIT, f"{total} bytes: {sorted(sizes.items(), key=lambda i: -i[1])}"
