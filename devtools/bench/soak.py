"""`make soak`: five minutes of mixed traffic against gunicorn (4 sync workers) and two Celery
workers on `make bench`'s seeded database, and each process's resident memory (RSS) after the
first and after the last minute. A process that grew by more than 20% between the two fails
the run (exit status 1).

    python -m devtools.bench.soak [--minutes 5] [--reuse] [--keep] [--scale 1]

The traffic, minute after minute: visitors' pages (front page, event list, event pages,
publications, organisations, search) with wrk -t1 -c16, at the same time members' pages (front
page, event pages, my page, /events/mine/) with wrk -t1 -c8 and a logged-in member's session,
and a few sign-ups by other members (their confirmation mail is the Celery workers' work).
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from devtools.bench import server
from devtools.bench.server import OUT, PYTHON, ROOT, rss_mb, say
from devtools.bench.wrk import log_in, run_wrk, wrk_path

GROWTH_LIMIT = 0.20
VISITOR_PAGES = [
    "front",
    "event_list",
    "event_detail",
    "publication_list",
    "organisation",
    "search",
]
MEMBER_PAGES = ["front_member", "event_detail_member", "my_page", "my_events"]


class CeleryWorkers:
    """Two Celery workers (solo pool: the worker process is the one that runs tasks)."""

    def __init__(self, env: dict, count: int = 2):
        self.env, self.count = env, count
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "CeleryWorkers":
        log = (OUT / "celery.log").open("w")
        for number in range(self.count):
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    [
                        *PYTHON,
                        "-m",
                        "celery",
                        "-A",
                        "almennet",
                        "worker",
                        "-P",
                        "solo",
                        "-n",
                        f"soak{number}@%h",
                        "--loglevel",
                        "WARNING",
                    ],  # fmt: skip
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        return self

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p.poll() is None]

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _paths(plan: dict, keys: list[str]) -> list[str]:
    mixed: list[str] = []
    for key in keys:
        mixed += plan["paths"].get(key, [])[:200]
    return mixed


def sign_ups(base: str, plan: dict, minute: int, count: int = 10) -> int:
    """A few sign-ups by members with the seeded sessions (each a different member and event
    every minute); returns how many were answered with a redirect (signed up or waiting)."""
    done = 0
    sessions = plan["sessions"][10:]
    events = plan["signup_events"]
    for n in range(count):
        session = sessions[(minute * count + n) % len(sessions)]
        event = events[(minute * 7 + n) % len(events)]
        body = f"csrfmiddlewaretoken={session['csrf']}&dietary_needs=&comment=soak".encode()
        request = urllib.request.Request(  # noqa: S310 - our own local server
            f"{base}/events/{event['slug']}/signup/",
            data=body,
            headers={
                "Cookie": f"sessionid={session['sessionid']}; csrftoken={session['csrf']}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": base + "/",
            },
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            done += error.code == 302
        except OSError:
            pass
    return done


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def snapshot(gunicorn: server.Gunicorn, celery: CeleryWorkers) -> dict[str, float | None]:
    memory = {f"gunicorn worker {pid}": rss_mb(pid) for pid in gunicorn.worker_pids()}
    memory.update({f"celery worker {pid}": rss_mb(pid) for pid in celery.pids()})
    return memory


def minute_of_traffic(base, plan, cookie, workdir, minute, seconds) -> dict:
    results: dict = {}

    def load(key, paths, **options):
        try:
            results[key] = run_wrk(
                base, paths, seconds=seconds, workdir=workdir, name=f"{key}{minute}",
                threads=1, **options,
            )  # fmt: skip
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            results[key] = {"error": str(error)[:300]}

    threads = [
        threading.Thread(target=load, args=("visitors", _paths(plan, VISITOR_PAGES)),
                         kwargs={"connections": 16}),
        threading.Thread(target=load, args=("members", _paths(plan, MEMBER_PAGES)),
                         kwargs={"cookie": cookie, "connections": 8}),
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    results["sign_ups"] = sign_ups(base, plan, minute)
    for thread in threads:
        thread.join()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=5)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--minute-seconds", type=int, default=60, help="a shorter 'minute'")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a seeded database and plan")
    args = parser.parse_args(argv)
    if not wrk_path():
        raise SystemExit("wrk is missing: `apt-get install wrk` (make soak does this as root)")
    if args.minutes < 2:
        raise SystemExit("--minutes must be 2 or more (the first and the last minute compared)")
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="almennet-soak-"))
    url = server.database_url()
    redis_url = server.redis_location()
    env = server.environment(url=url, redis_url=redis_url, workdir=workdir, reuse=args.reuse)
    plan_path = OUT / "plan.json"
    if not (args.reuse and plan_path.exists()):
        server.seed(url=url, env=env, scale=args.scale, plan_path=plan_path)
    plan = server.plan_load(plan_path)
    server.prepare_static_and_cache(env, redis_url)
    minutes: list[dict] = []
    with server.Gunicorn(env, args.workers) as gunicorn, CeleryWorkers(env) as celery:
        session = plan["sessions"][0]
        cookie = f"sessionid={log_in(gunicorn.base, session['email'], plan['password'])}"
        first = last = {}
        for minute in range(args.minutes):
            say(f"minute {minute + 1} of {args.minutes}: visitors, members and sign-ups")
            traffic = minute_of_traffic(
                gunicorn.base, plan, cookie, workdir, minute, max(5, args.minute_seconds - 5)
            )
            memory = snapshot(gunicorn, celery)
            minutes.append({"minute": minute + 1, "traffic": traffic, "rss_mb": memory})
            if minute == 0:
                first = memory
            last = memory
    rows, grown = [], []
    for name, before in first.items():
        after = last.get(name)
        if before is None or after is None:
            rows.append((name, before, after, None))
            continue
        growth = (after - before) / before
        rows.append((name, before, after, growth))
        if growth > GROWTH_LIMIT:
            grown.append(name)
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {**server.machine(), "load_averages": [round(x, 2) for x in os.getloadavg()]},
        "minutes": minutes,
        "growth_limit": GROWTH_LIMIT,
        "grown": grown,
    }
    (OUT / "soak-latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        f"\nAlmenNet soak {report['when']}: {args.minutes} minutes, load "
        f"{' '.join(map(str, report['machine']['load_averages']))}"
    )
    failed_loads = []
    for entry in minutes:
        traffic = entry["traffic"]
        shown = {}
        for key in ("visitors", "members"):
            if "error" in traffic[key]:
                failed_loads.append(f"minute {entry['minute']} {key}: {traffic[key]['error']}")
                shown[key] = "failed"
            else:
                shown[key] = f"{traffic[key]['rps']:.0f} req/s"
        print(
            f"  minute {entry['minute']}: visitors {shown['visitors']}, "
            f"members {shown['members']}, {traffic['sign_ups']} sign-ups"
        )
    print(f"{'process':<24} {'RSS min 1':>10} {'RSS last':>10} {'growth':>8}")
    for name, before, after, growth in rows:
        shown = f"{growth:+.0%}" if growth is not None else "gone"
        flag = "  GREW" if name in grown else ""
        print(f"{name:<24} {before or 0:>9.1f}M {after or 0:>9.1f}M {shown:>8}{flag}")
    shutil.rmtree(workdir, ignore_errors=True)
    if not args.keep:
        server.database_recreate(url, drop_only=True)
    if grown:
        say(f"FAILED: grew by more than {GROWTH_LIMIT:.0%}: {', '.join(grown)}")
        return 1
    if failed_loads:
        say("FAILED: the load did not run as planned: " + "; ".join(failed_loads))
        return 1
    say(f"no process grew by more than {GROWTH_LIMIT:.0%}; JSON: {OUT / 'soak-latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
