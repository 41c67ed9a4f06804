"""The sign-up rush, measured: a scripted client signs many people up at once, then the
database is checked for seats sold twice over, double registrations and a broken waiting list.

    measure(base_url, seconds=20, hot=True)   # one hot event
    measure(base_url, seconds=20, hot=False)  # spread over twenty events
    measure(base_url, seconds=20, hot=True, rate=100)  # the same users, paced: 100 a second

Each of `users` client threads (50) plays one person after another: GET the event page (the
form and its CSRF token), POST the sign-up with the token, as a browser does (cookies are sent
by hand: production cookies are Secure and the server is plain HTTP on 127.0.0.1). The first
few clients log in through the real login form; allauth allows only 30 logins a minute from
one address, so the thousands of other people get a session written as Django's login writes
it, as `devtools/bench/seed.py` does. Only the POSTs are counted and timed.

Without `rate` the clients go as fast as the server lets them (each starts the next person the
moment the last POST is answered): that finds the most sign-ups a second the server manages,
and the latency is then mostly waiting in line (50 waiting / the rate). With `rate` the same 50
clients keep a timetable that together offers `rate` sign-ups a second (each client one person
every 50/rate seconds, the clients evenly staggered; a client that falls behind starts the
next person at once): the latency one person meets while 50 people sign up at that pace.

The people and events are made, and the outcome checked, by this module run as a script
(`python -m devtools.bench.signup prepare|check`) in the environment of the server under test
(DJANGO_SETTINGS_MODULE, DATABASE_URL, SECRET_KEY), so it needs nothing from its caller but
that environment and the server's address.
"""

import argparse
import html
import http.client
import json
import math
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench-signup-" + "x" * 8  # noqa: S105 - throwaway accounts in a benchmark database
# allauth allows 30 logins a minute from one address: the bench's four members, three rushes
# within a minute and the admin's staff user stay under it (with ten per rush the admin section
# of a run was refused with a 429).
REAL_LOGINS = 5
SPREAD_EVENTS = 20
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- in the server's environment: make the people and events, check the outcome -------------


def _prepare(*, run: str, hot: bool, people: int, capacity: int) -> dict:
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from events.models import Event, EventSession
    from members.models import User

    store_class = import_string(settings.SESSION_ENGINE + ".SessionStore")
    now = timezone.now()
    count = 1 if hot else SPREAD_EVENTS
    with transaction.atomic():
        events = Event.objects.bulk_create(
            Event(
                title=f"Bench sign-up {run} {i}",
                slug=f"bench-signup-{run}-{i}",
                capacity=capacity,
                member_price=0,
                non_member_price=0,
                is_published=True,
                signup_opens_at=now - datetime.timedelta(days=1),
            )
            for i in range(count)
        )
        EventSession.objects.bulk_create(
            EventSession(
                event=event,
                starts_at=now + datetime.timedelta(days=30),
                ends_at=now + datetime.timedelta(days=30, hours=3),
            )
            for event in events
        )
        password = make_password(PASSWORD)  # hashed once: the same for every account
        accounts = User.objects.bulk_create(
            User(
                email=f"signup-{run}-{i}@bench.invalid",
                password=password,
                first_name="Bench",
                last_name=str(i),
                is_active=True,
            )
            for i in range(people)
        )
        expiry = now + datetime.timedelta(days=1)
        sessions = []
        plan_people = []
        for account in accounts:
            store = store_class()
            key = store._get_new_session_key()
            data = {
                SESSION_KEY: str(account.pk),
                BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: account.get_session_auth_hash(),
            }
            sessions.append(
                Session(session_key=key, session_data=store.encode(data), expire_date=expiry)
            )
            plan_people.append({"email": account.email, "sessionid": key})
        Session.objects.bulk_create(sessions)
        _confirm_addresses(accounts)
    return {
        "events": [{"id": e.pk, "slug": e.slug, "capacity": e.capacity} for e in events],
        "people": plan_people,
    }


def _confirm_addresses(accounts) -> None:
    """allauth refuses a login with an unverified address (verification is mandatory)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        EmailAddress(user=a, email=a.email, verified=True, primary=True) for a in accounts
    )


def _check(*, event_ids: list[int]) -> dict:
    from django.db.models import Count, Q

    from events.models import Event, Registration

    seat = Q(registrations__status__in=Registration.SEAT_STATUSES)
    events = Event.objects.filter(pk__in=event_ids).annotate(
        taken=Count("registrations", filter=seat)
    )
    oversold = [e.slug for e in events if e.taken > e.capacity]
    active = Registration.objects.filter(event_id__in=event_ids).active()
    doubles = active.values("event_id", "user_id").annotate(n=Count("id")).filter(n__gt=1).count()
    waiting_list_broken = []
    statuses: dict[str, int] = {}
    for event in events:
        rows = list(
            Registration.objects.filter(event=event)
            .order_by("created_at", "pk")
            .values_list("status", "waiting_position")
        )
        for status, _position in rows:
            statuses[status] = statuses.get(status, 0) + 1
        kinds = [status for status, _position in rows]
        positions = [p for status, p in rows if status == Registration.Status.WAITING]
        # Arrival order: every seat went before the first waiting place, the waiting list is
        # numbered 1, 2, 3 ... in the order people arrived, and no seat was left free.
        seats_first = "waiting" not in kinds or "confirmed" not in kinds[kinds.index("waiting") :]
        if (
            not seats_first
            or positions != list(range(1, len(positions) + 1))
            or (positions and event.taken < event.capacity)
        ):
            waiting_list_broken.append(event.slug)
    return {
        "oversold": oversold,
        "doubles": doubles,
        "waiting_list_broken": waiting_list_broken,
        "by_status": statuses,
    }


def _script(arguments: list[str], env: dict | None) -> dict:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "devtools.bench.signup", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"devtools.bench.signup {arguments[0]} failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the client -----------------------------------------------------------------------------


class _Client:
    """One browser: a kept-alive connection and its cookies."""

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Host": f"{self.host}:{self.port}", "Referer": f"http://{self.host}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()  # the server closed a kept-alive connection: again
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text

    def log_in(self, email: str) -> bool:
        status, _location, page = self.request("GET", "/accounts/login/")
        token = _TOKEN.search(page)
        if status != 200 or not token:
            return False
        body = {"csrfmiddlewaretoken": html.unescape(token.group(1)), "login": email}
        body["password"] = PASSWORD
        status, location, _page = self.request("POST", "/accounts/login/", body)
        return status == 302 and "login" not in location


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, math.ceil(share * len(sorted_values)) - 1))
    return sorted_values[index]


def measure(
    base_url: str,
    *,
    seconds: float,
    hot: bool,
    users: int = 50,
    rate: float | None = None,
    env: dict | None = None,
) -> dict:
    """Sign people up for `seconds` with `users` concurrent clients, on one hot event or
    spread over twenty, as fast as they can or (`rate`) at that many sign-ups a second in all;
    then check the database. `env` is the server's environment (its settings module and
    database); default: this process's environment."""
    env = dict(env or os.environ)
    run = secrets.token_hex(3)
    # Enough people for 250 sign-ups a second; the seats run out halfway at 100 a second so
    # that the waiting list is exercised too.
    people = max(users * 4, int(250 * seconds))
    events_count = 1 if hot else SPREAD_EVENTS
    capacity = max(10, int(50 * seconds) // events_count)
    plan = _script(
        ["prepare", "--run", run, "--people", str(people), "--capacity", str(capacity)]
        + (["--hot"] if hot else []),
        env,
    )
    events, people_plan = plan["events"], plan["people"]
    queues = [people_plan[i::users] for i in range(users)]
    timings: list[list[float]] = [[] for _ in range(users)]
    failures: list[str] = []
    logins = {"real": 0, "refused": 0}
    clock: dict[str, float] = {}
    barrier = threading.Barrier(users + 1, action=lambda: clock.setdefault("start", time.time()))
    stop = threading.Event()
    interval = users / rate if rate else 0.0  # each client's time between two people

    def client(number: int) -> None:
        mine = timings[number]
        logged_in = None
        if number < REAL_LOGINS and queues[number]:
            # Before the clock starts: a login costs a password hash (a second of CPU).
            logged_in = _Client(base_url)
            if logged_in.log_in(queues[number][0]["email"]):
                logins["real"] += 1
            else:
                logins["refused"] += 1
                logged_in = None
        barrier.wait()
        next_at = clock["start"] + interval * number / users
        for index, person in enumerate(queues[number]):
            if rate:
                if stop.wait(max(0.0, next_at - time.time())):
                    return
                next_at += interval
            if stop.is_set():
                return
            if index == 0 and logged_in is not None:
                browser = logged_in
            else:
                browser = _Client(base_url)
                browser.cookies["sessionid"] = person["sessionid"]
            event = events[(number + index * users) % len(events)]
            try:
                status, _location, page = browser.request("GET", f"/events/{event['slug']}/")
                token = _TOKEN.search(page)
                if status != 200 or not token:
                    failures.append(f"form: status {status}, token {bool(token)}")
                    continue
                body = {"csrfmiddlewaretoken": html.unescape(token.group(1)), "comment": "bench"}
                started = time.perf_counter()
                status, location, _page = browser.request(
                    "POST", f"/events/{event['slug']}/signup/", body
                )
                elapsed = time.perf_counter() - started
            except (http.client.HTTPException, OSError) as error:
                failures.append(f"{type(error).__name__}: {error}")
                continue
            finally:
                browser.connection.close()
            if status == 302 and "login" not in location:
                if not stop.is_set():
                    mine.append(elapsed)
            else:
                failures.append(f"sign-up: status {status} {location}")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join(timeout=120)
    latencies = sorted(t * 1000 for column in timings for t in column)
    outcome = _script(["check", "--events", ",".join(str(e["id"]) for e in events)], env)
    name = "sign-up, one hot event" if hot else f"sign-up, {SPREAD_EVENTS} events"
    return {
        "name": name + (f", {rate:g} a second offered" if rate else ""),
        "offered_per_s": rate,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.50), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "oversold": len(outcome["oversold"]),
        "doubles": outcome["doubles"],
        "waiting_list_broken": len(outcome["waiting_list_broken"]),
        "sign_ups": len(latencies),
        "failures": len(failures),
        "failure_kinds": sorted(set(failures))[:5],
        "by_status": outcome["by_status"],
        "users": users,
        "seconds": round(elapsed, 1),
        "events": len(events),
        "capacity_per_event": capacity,
        "real_logins": logins["real"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare")
    prepare.add_argument("--run", required=True)
    prepare.add_argument("--people", type=int, required=True)
    prepare.add_argument("--capacity", type=int, required=True)
    prepare.add_argument("--hot", action="store_true")
    check = commands.add_parser("check")
    check.add_argument("--events", required=True)
    measure_parser = commands.add_parser("measure", help="run it against a server")
    measure_parser.add_argument("base_url")
    measure_parser.add_argument("--seconds", type=float, default=20)
    measure_parser.add_argument("--users", type=int, default=50)
    measure_parser.add_argument("--spread", action="store_true")
    measure_parser.add_argument("--rate", type=float, help="sign-ups a second offered in all")
    args = parser.parse_args(argv)
    if args.command == "measure":
        print(
            json.dumps(
                measure(
                    args.base_url,
                    seconds=args.seconds,
                    hot=not args.spread,
                    users=args.users,
                    rate=args.rate,
                )
            )
        )
        return 0
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devtools.bench.settings")
    django.setup()
    if args.command == "prepare":
        result = _prepare(run=args.run, hot=args.hot, people=args.people, capacity=args.capacity)
    else:
        result = _check(event_ids=[int(i) for i in args.events.split(",")])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
