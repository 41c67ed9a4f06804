"""The secretariat's admin at real size: every changelist and change page it uses, timed one
request at a time against the bench's seeded data (issue 14: each under 300 ms).

    python -m devtools.bench.admin --reuse [--repeats 5]

A seeded staff user (devtools/bench/seed.py's ``staff`` part: superuser with TOTP) logs in
through the real login form and the second factor, the code computed from the plan's secret
with allauth's own TOTP helpers. Then, for every admin model the secretariat uses with many
rows: the changelist, the changelist with realistic searches (a surname with a Danish letter,
an e-mail fragment, a word of a title), each list filter's first choice (read from the page's
own filter sidebar) and the change page of a real row; and the history page of an event and a
publication. Each URL gets one warm-up request and ``repeats`` timed ones; the median and the
maximum are reported, and a row whose median is over 300 ms is marked.

run.py calls ``measure`` after its table (key "admin" in its JSON); run alone, this module
starts its own gunicorn on the seeded database (``--reuse``) and writes
var/bench/admin-<time>.json.
"""

import argparse
import datetime
import html
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from devtools.bench import server
from devtools.bench.server import OUT, ROOT, say

TARGET_MS = 300
REPEATS = 5

# (label, admin path, table, searches): searches name what the secretariat types into the box:
# "name" a surname, "email" a fragment of an address, or (table, column) for a word of a title.
MODELS = [
    ("registrations", "events/registration", "events_registration",
     ["name", "email", ("events_event", "title")]),
    ("events", "events/event", "events_event", [("events_event", "title")]),
    ("people", "members/user", "members_user", ["name", "email"]),
    ("organisations", "members/organisation", "members_organisation",
     [("members_organisation", "name")]),
    ("affiliations", "members/affiliation", "members_affiliation", ["name", "email"]),
    ("board seats", "members/seat", "members_seat", ["name"]),
    ("publications", "publications/publication", "publications_publication",
     [("publications_publication", "title")]),
    ("projects", "projects/project", "projects_project", [("projects_project", "title")]),
    ("focus areas", "strategy/focusarea", "strategy_focusarea",
     [("strategy_focusarea", "title")]),
    ("newsletters", "newsletters/newsletter", "newsletters_newsletter",
     [("newsletters_newsletter", "subject")]),
    ("subscribers", "newsletters/subscriber", "newsletters_subscriber", ["email"]),
    ("delivery log", "outbox/outboxmessage", "outbox_outboxmessage",
     ["email", ("outbox_outboxmessage", "subject")]),
    ("action log", "activity/action", "activity_action", ["name", "email"]),
    ("invoices", "invoicing/invoice", "invoicing_invoice", []),
]  # fmt: skip
# Models with simple-history: a row's history page.
HISTORY = [("event", "events/event", "events_event"),
           ("publication", "publications/publication", "publications_publication")]  # fmt: skip


# --- a staff session through the real login -----------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_SET_COOKIE = re.compile(r"^\s*([^=;\s]+)=([^;]*)")


class Browser:
    """Cookies kept by hand: the production settings mark them Secure, and this is plain
    HTTP to a local gunicorn, so urllib's cookie jar would never send them back."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, path: str, data: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - our own local server
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # redirects and error pages alike
            response = error
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            match = _SET_COOKIE.match(value)
            if match:
                self.cookies[match.group(1)] = match.group(2)
        return response.status, response.headers.get("Location", ""), content.decode()

    def post_form(self, path: str, fields: dict) -> tuple[int, str]:
        _status, _location, page = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            raise RuntimeError(f"{path} carried no CSRF token")
        status, location, _page = self.request(
            path, {"csrfmiddlewaretoken": token.group(1), **fields}
        )
        return status, location


TOTP_SCRIPT = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devtools.bench.settings")
django.setup()
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time
counters = list(yield_hotp_counters_from_time())
print(format_hotp_value(hotp_value(sys.argv[1], counters[len(counters) // 2])))
"""


def totp_code(secret: str, env: dict | None) -> str:
    """The current code from allauth's own TOTP helpers under the portal's settings (period,
    digits), in the server's environment: this process has no Django set up."""
    done = server.subprocess.run(  # noqa: S603 - our own interpreter and script
        [*server.PYTHON, "-c", TOTP_SCRIPT, secret],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


def staff_log_in(base: str, staff: dict, env: dict | None) -> Browser:
    """A browser whose session passed the password and the second factor."""
    browser = Browser(base)
    status, location = browser.post_form(
        "/accounts/login/", {"login": staff["email"], "password": staff["password"]}
    )
    if status != 302 or "2fa/authenticate" not in location:
        raise RuntimeError(f"login of {staff['email']} gave {status} {location}")
    step = urllib.parse.urlparse(location).path
    for _attempt in range(2):
        status, location = browser.post_form(step, {"code": totp_code(staff["totp_secret"], env)})
        if status == 302:
            break
        # A code is taken once (allauth marks it used): an earlier run in the same 30 s.
        time.sleep(31 - time.time() % 30)
    else:
        raise RuntimeError(f"the second factor was refused ({status})")
    status, location, _page = browser.request("/admin/")
    if status != 200:
        raise RuntimeError(f"/admin/ answers {status} {location} after logging in")
    return browser


# --- what to open ---------------------------------------------------------------------------------


def _one(database: str, sql: str):
    rows = server.database_query(database, sql)
    return rows[0][0] if rows and rows[0] else None


def search_terms(database: str) -> dict:
    """What the secretariat types: a common surname (one with æ, ø or å when there is one), a
    fragment of a real address, and per table a word of a title in the middle of the list."""
    name = _one(
        database,
        "SELECT last_name FROM members_user WHERE last_name <> '' GROUP BY last_name "
        "ORDER BY last_name ~ '[æøåÆØÅ]' DESC, count(*) DESC LIMIT 1",
    )
    email = _one(
        database,
        "SELECT split_part(email, '@', 1) FROM members_user ORDER BY id "
        "OFFSET (SELECT count(*) / 2 FROM members_user) LIMIT 1",
    )
    return {"name": name, "email": email}


def title_word(database: str, table: str, column: str) -> str | None:
    # Table and column names come from MODELS above, never from input.
    text = _one(
        database,
        # Among the rows with a word to search for: the sign-up rushes add events whose titles
        # have none, and the middle row must not fall on one of them.
        f"SELECT {column} FROM {table} WHERE {column} ~ '[[:alpha:]]{{5,}}' ORDER BY id "  # noqa: S608  # nosec B608
        f"OFFSET (SELECT count(*) / 2 FROM {table} WHERE {column} ~ '[[:alpha:]]{{5,}}') LIMIT 1",
    )
    words = [w for w in re.findall(r"\w+", text or "") if len(w) >= 5 and not w.isdigit()]
    return max(words, key=len).lower() if words else None


def middle_id(database: str, table: str):
    return _one(
        database,
        f"SELECT id FROM {table} ORDER BY id "  # noqa: S608  # nosec B608 - ours
        f"OFFSET (SELECT count(*) / 2 FROM {table}) LIMIT 1",
    )


_FILTER_BLOCK = re.compile(r"<details[^>]*data-filter-title[^>]*>(.*?)</details>", re.S)
_CHOICE = re.compile(r'<li(?P<attrs>[^>]*)>\s*<a href="(?P<href>[^"]*)"', re.S)


def filter_choices(page: str) -> list[str]:
    """The first choice of each list filter in a changelist's sidebar (not "All")."""
    found = []
    for block in _FILTER_BLOCK.findall(page):
        for choice in _CHOICE.finditer(block):
            if "selected" not in choice.group("attrs"):
                found.append(html.unescape(choice.group("href")))
                break
    return found


def targets(
    browser: Browser, database: str, only: set[str] | None = None
) -> list[tuple[str, str, str]]:
    """(model, what, path) for every page to time (of the models labelled in `only`)."""
    terms = search_terms(database)
    found = []
    for label, path, table, searches in MODELS:
        if only and label not in only:
            continue
        changelist = f"/admin/{path}/"
        status, _location, page = browser.request(changelist)
        if status != 200:
            found.append((label, f"changelist answers {status}", changelist))
            continue
        found.append((label, "changelist", changelist))
        for search in searches:
            if isinstance(search, tuple):
                term, what = title_word(database, *search), "search: word of a title"
            else:
                term, what = terms[search], f"search: {search}"
            if term:
                found.append((label, what, f"{changelist}?{urllib.parse.urlencode({'q': term})}"))
        for query in filter_choices(page):
            found.append((label, f"filter {query.lstrip('?')[:40]}", changelist + query))
        row = middle_id(database, table)
        if row is not None:
            found.append((label, "change page", f"{changelist}{row}/change/"))
    for label, path, table in HISTORY:
        if only and f"{label} history" not in only:
            continue
        row = middle_id(database, table)
        if row is not None:
            found.append((f"{label} history", "history page", f"/admin/{path}/{row}/history/"))
    return found


# --- timing ---------------------------------------------------------------------------------------


def timed(browser: Browser, path: str, repeats: int) -> dict:
    status, _location, _page = browser.request(path)  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        status, _location, _page = browser.request(path)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    return {
        "status": status,
        "median_ms": round(median, 1),
        "max_ms": round(max(times), 1),
        "over_target": status != 200 or median > TARGET_MS,
    }


def measure(
    base: str,
    plan: dict,
    *,
    env: dict | None = None,
    database: str | None = None,
    repeats: int = REPEATS,
    plan_path: Path = OUT / "plan.json",
    only: set[str] | None = None,
) -> list[dict]:
    """One row per admin URL: model, what, path, status, median and max ms of ``repeats``
    fetches after a warm-up, and whether it misses the 300 ms target."""
    database = database or server.database_url()
    if "staff" not in plan:
        # A database seeded before the staff part existed: add the user to it and the plan.
        say("adding the staff user with TOTP to the seeded data")
        server.subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [*server.PYTHON, "-m", "devtools.bench.seed", "--add", "staff", "--plan",
             str(plan_path)],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        plan.update(server.plan_load(plan_path))
    try:
        browser = staff_log_in(base, plan["staff"], env)
    except (RuntimeError, OSError, server.subprocess.CalledProcessError) as error:
        return [{"model": "admin", "what": "login", "path": "/accounts/login/",
                 "error": str(error)[:200], "over_target": True}]  # fmt: skip
    say("staff logged in through the login form and TOTP")
    rows = []
    pages = targets(browser, database, only)
    say(f"admin: {len(pages)} pages, {repeats} timed fetches each after a warm-up")
    for model, what, path in pages:
        row = {"model": model, "what": what, "path": path}
        if "answers" in what:
            row.update(status=None, error=what, over_target=True)
        else:
            row.update(timed(browser, path, repeats))
        rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        f"{'admin page':<52} {'median ms':>9} {'max ms':>8}  over 300 ms",
        "-" * 84,
    ]
    for row in rows:
        label = f"{row['model']}: {row['what']}"[:52]
        if row.get("error"):
            lines.append(f"{label:<52} error: {row['error']}")
            continue
        mark = "OVER" if row["over_target"] else ""
        if row["status"] != 200:
            mark = f"status {row['status']}"
        lines.append(f"{label:<52} {row['median_ms']:>9.1f} {row['max_ms']:>8.1f}  {mark}")
    over = sum(1 for row in rows if row["over_target"])
    lines.append(f"{over} of {len(rows)} admin pages over {TARGET_MS} ms (median) or failing")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="the seeded database and plan")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="comma-separated models (labels as printed)")
    args = parser.parse_args(argv)
    plan_path = OUT / "plan.json"
    if not (args.reuse and plan_path.exists()):
        raise SystemExit(
            "Seed first (python -m devtools.bench.run --only front --keep), then --reuse."
        )
    load_before = [round(x, 2) for x in os.getloadavg()]
    url, redis_url = server.database_url(), server.redis_location()
    workdir = Path(tempfile.mkdtemp(prefix="almennet-bench-admin-"))
    env = server.environment(url=url, redis_url=redis_url, workdir=workdir, reuse=True)
    server.prepare_static_and_cache(env, redis_url)
    plan = server.plan_load(plan_path)
    only = set(args.only.split(",")) if args.only else None
    with server.Gunicorn(env, args.workers) as gunicorn:
        rows = measure(gunicorn.base, plan, env=env, database=url, repeats=args.repeats, only=only)
    load_after = [round(x, 2) for x in os.getloadavg()]
    print(
        f"\nAdmin at size, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; load "
        f"{' '.join(map(str, load_before))} before, {' '.join(map(str, load_after))} after"
        f" (1/5/15 min); {args.workers} gunicorn workers, one request at a time"
    )
    print(table(rows))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {"load_before": load_before, "load_after": load_after, "admin": rows}
    out = OUT / f"admin-{stamp}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
