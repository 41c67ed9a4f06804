"""Screenshots of the portal for the README: the front page, an event page, the search, the
ballot and the admin start page, at 1280 and 390 px wide, from the demo data (`make
screenshots` seeds it first) with the browser tests' Chromium (Debian's, through Playwright).

The portal is served from a thread of this process on the configured database. The board
member's and the staff user's sessions are made here, as a login with password and second
factor would leave them (the demo accounts have no authenticator to type a code from).
"""

import os
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone, translation

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# Long pages are cut here so the images stay small; the top of a page is what they show.
MAX_HEIGHT = {"desktop": 1800, "phone": 2600}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def _session_cookie(email: str) -> dict | None:
    """A session for the demo user `email`, logged in with password and second factor."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt, is_mfa_enabled
    from django.contrib.auth import get_user_model, login
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        return None
    if not is_mfa_enabled(user):
        # Voting asks for an authenticator; a random one nobody holds is enough to look.
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": encrypt(generate_totp_secret())},
        )
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    record_authentication(request, user, "password", email=email)
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": request.session.session_key,
        "domain": "127.0.0.1",
        "path": "/",
    }


class Command(BaseCommand):
    help = "Screenshots of five pages at 1280 and 390 px into docs/screenshots/ (demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/screenshots")

    def handle(self, *args, out, **options):
        if not settings.DEBUG:
            raise CommandError("screenshots logs in as the demo users: DEBUG=on only.")
        chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
        if not chromium:
            raise CommandError("Debian's chromium is missing: `make chromium` installs it.")
        translation.activate(settings.LANGUAGE_CODE)
        pages = self._pages()
        logins = {
            "member": "medlem@almennet.dk",
            "board": "formand@almennet.dk",
            "staff": "sekretariat@almennet.dk",
        }
        # who is one of the demo logins above or, for the council's ballot, a voter's address.
        sessions = {
            who: _session_cookie(logins.get(who, who)) for _name, _path, who in pages if who
        }
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        server = self._serve()
        # Playwright's sync API runs an event loop in this thread; the ORM work is done above.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            self._shoot(chromium, f"http://127.0.0.1:{server.port}", pages, sessions, out_dir)
        finally:
            server.terminate()

    def _pages(self) -> list[tuple[str, str, str | None]]:
        """(name, path, who) for each page; who is None for a visitor."""
        from events.models import Event
        from strategy.models import VotingRound

        event = Event.objects.published().upcoming().first()
        if event is None:
            raise CommandError("No upcoming event: run `manage.py seed_demo` first.")
        now = timezone.now()
        # The board's open round shows the chair a ballot; any round will do without one.
        rounds = VotingRound.objects.order_by("-closes_at")
        ballot = (
            rounds.filter(
                electorate=VotingRound.Electorate.BOARD, opens_at__lte=now, closes_at__gt=now
            ).first()
            or rounds.filter(opens_at__lte=now, closes_at__gt=now).first()
            or rounds.first()
        )
        pages = [
            ("front-page", reverse("home"), None),
            ("event", event.get_absolute_url(), "member"),
            ("search", reverse("search") + "?q=beboerdemokrati", None),
        ]
        if ballot is not None:
            voter = "board"
            if ballot.electorate == VotingRound.Electorate.COUNCIL:
                # The council's round is cast by each organisation's chosen representative.
                from members.models import Organisation

                organisation = Organisation.objects.exclude(council_voter=None).first()
                voter = organisation.council_voter.email if organisation else "board"
            pages.append(
                ("ballot", reverse("strategy:vote_detail", kwargs={"pk": ballot.pk}), voter)
            )
        pages.append(("admin", reverse("admin:index"), "staff"))
        return pages

    def _serve(self):
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.test.testcases import LiveServerThread

        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        return thread

    def _shoot(self, chromium, base_url, pages, sessions, out_dir) -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for size, (width, height) in WIDTHS.items():
                    for name, path, who in pages:
                        context = browser.new_context(
                            locale="da-DK",
                            viewport={"width": width, "height": height},
                            is_mobile=size == "phone",
                            has_touch=size == "phone",
                        )
                        if who and sessions.get(who):
                            context.add_cookies([sessions[who]])
                        page = context.new_page()
                        page.goto(base_url + path, wait_until="networkidle")
                        page.evaluate("document.fonts.ready")
                        time.sleep(0.3)  # let the web font's swap paint
                        full = page.evaluate("document.documentElement.scrollHeight")
                        target = out_dir / f"{name}-{width}.jpg"
                        page.screenshot(
                            path=str(target),
                            type="jpeg",
                            quality=78,
                            full_page=True,
                            clip={
                                "x": 0,
                                "y": 0,
                                "width": width,
                                "height": min(full, MAX_HEIGHT[size]),
                            },
                        )
                        context.close()
                        self.stdout.write(f"{target}  ({path})")
            finally:
                browser.close()
