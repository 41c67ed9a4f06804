"""Locust users for `make bench`'s sign-up rush (devtools/bench/signup_locust.py), used until
devtools/bench/signup.py's own client is there. Read pages are measured with wrk
(devtools/bench/wrk.py); ReadUser stays for measuring a page by hand with locust.

BENCH_PLAN names the plan bench/seed.py wrote; BENCH_SCENARIO picks what the users do:
a read scenario (front, event_list, event_detail, search, publication_list, organisation,
strategy, bare; event_detail_member as a logged-in member) requests its paths in turn with no
think time; `signup` POSTs the sign-up form as
logged-in members, each user signing up for the seeded target events one after another.

The portal runs with production settings, so its cookies are Secure; over plain HTTP on
127.0.0.1 a client would not send them back, so the session and CSRF cookies are sent by hand.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
SCENARIO = os.environ.get("BENCH_SCENARIO", "front")
_user_numbers = itertools.count()


class ReadUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        number = next(_user_numbers)
        paths = list(PLAN["paths"][SCENARIO])
        random.Random(number).shuffle(paths)  # noqa: S311 - load pattern only
        self.paths = itertools.cycle(paths)
        self.headers = {}
        if SCENARIO.endswith("_member"):  # a logged-in member: no page cache
            session = PLAN["sessions"][number % len(PLAN["sessions"])]
            self.headers = {"Cookie": f"sessionid={session['sessionid']}"}

    @task
    def read(self):
        with self.client.get(
            next(self.paths), name=SCENARIO, headers=self.headers, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class SignupUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        number = next(_user_numbers)
        session = PLAN["sessions"][number % len(PLAN["sessions"])]
        self.csrf = session["csrf"]
        self.headers = {
            "Cookie": f"sessionid={session['sessionid']}; csrftoken={self.csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        # Everybody races for the small events first (200 seats for 50 users x 20 events: they
        # fill up and the rest land on waiting lists), then for the larger ones.
        rng = random.Random(number)  # noqa: S311 - load pattern only
        small = [e for e in PLAN["signup_events"] if e["capacity"] <= 10]
        large = [e for e in PLAN["signup_events"] if e["capacity"] > 10]
        rng.shuffle(small)
        rng.shuffle(large)
        self.events = iter(small + large)

    @task
    def signup(self):
        event = next(self.events, None)
        if event is None:  # signed up for every target: the user is done
            self.stop()
            return
        path = f"/events/{event['slug']}/signup/"
        body = f"csrfmiddlewaretoken={self.csrf}&dietary_needs=&comment=bench"
        with self.client.post(
            path,
            data=body,
            headers=self.headers,
            name="signup",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "login" in location:
                response.failure(f"status {response.status_code} {location}")


if SCENARIO == "signup":
    del ReadUser
else:
    del SignupUser
