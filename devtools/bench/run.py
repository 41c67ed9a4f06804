"""`make bench`: seed a large data set, serve it with gunicorn under production settings, drive
it with locust, and report requests/s, median and 95th-percentile latency per page, each also
as a ratio to a bare Django view served by the same gunicorn in the same run.

    python -m devtools.bench.run [--scale 1] [--seconds 20] [--users N] [--signup-users 50] [--keep]

The benchmark uses its own database (BENCH_DATABASE_URL, else almennet_bench on the machine's
PostgreSQL at 127.0.0.1:5432, else, or with BENCH_EMBEDDED=1, an embedded PostgreSQL in
var/bench/pgdata), which it drops
and creates, and Redis db 7 as cache and broker when Redis answers on 127.0.0.1:6379 (as in
production: mail waits in the outbox for a worker; no worker runs here). Results go to stdout
and to var/bench/bench-<time>.json and var/bench/latest.json.
"""

import argparse
import contextlib
import csv
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
OUT = ROOT / "var" / "bench"
READ_PAGES = [
    ("front", "front page"),
    ("event_list", "event list"),
    ("event_detail", "event detail"),
    ("search", "search"),
    ("publication_list", "publication list"),
    ("organisation", "organisation page"),
    ("strategy", "strategy page"),
    ("event_detail_member", "event detail, member"),
]
READ_SHARE_TARGET = 0.40
READ_P95_TARGET_MS = 100
SIGNUP_P95_TARGET_MS = 200
# The apps' own benchmark commands, run on the seeded data after the load when they exist.
EXTRA_COMMANDS = ["bench_search", "bench_mail"]


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- database -----------------------------------------------------------------------------------


def database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if port_answers("127.0.0.1", 5432) and not os.environ.get("BENCH_EMBEDDED"):
        return "postgres://postgres@127.0.0.1:5432/almennet_bench"
    sys.path.insert(0, str(ROOT))
    from almennet.embedded_db import embedded_server

    pgdata = OUT / "pgdata"
    embedded_server(pgdata)
    # A socket folder as the host goes in the query string, which django-environ passes on.
    return f"postgres://postgres@/almennet_bench?host={urllib.parse.quote(str(pgdata))}"


def _connect(url: str, *, dbname: str | None = None):
    """psycopg2 connection from a postgres:// URL; ?host=/folder (or a host of %2F...) is a
    socket folder."""
    import psycopg2

    parts = urllib.parse.urlparse(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    socket_folder = urllib.parse.parse_qs(parts.query).get("host")
    if socket_folder:
        location = {"host": socket_folder[0]}
    elif host.lower().startswith("%2f"):
        location = {"host": urllib.parse.unquote(host)}
    else:
        location = {"host": parts.hostname, "port": parts.port or 5432}
    return psycopg2.connect(
        **location,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or ""),
        dbname=dbname or parts.path.lstrip("/"),
    )


def _admin_connection(url: str):
    connection = _connect(url, dbname="postgres")
    connection.autocommit = True
    return connection, urllib.parse.urlparse(url).path.lstrip("/")


def database_recreate(url: str, *, drop_only: bool = False) -> None:
    connection, name = _admin_connection(url)
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    with connection.cursor() as cursor:
        # The name is checked above and comes from our own configuration, not from input.
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def database_query(url: str, sql: str, params=()) -> list[tuple]:
    connection = _connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


# --- machine ------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "load_average_1m": round(os.getloadavg()[0], 2),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


# --- load ---------------------------------------------------------------------------------------


def run_locust(*, scenario, base, plan_path, users, seconds, env, workdir) -> dict:
    prefix = workdir / scenario
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "devtools" / "bench" / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds}s", "--host", base, "--csv", str(prefix),
        "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "2",
    ]  # fmt: skip
    locust_env = {**env, "BENCH_PLAN": str(plan_path), "BENCH_SCENARIO": scenario}
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, cwd=ROOT, env=locust_env, capture_output=True, text=True, timeout=seconds + 90
    )
    stats = prefix.with_name(prefix.name + "_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics for {scenario}: {result.stderr[-2000:]}")
    with stats.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    row = rows.get("Aggregated") or next(iter(rows.values()))
    failures_file = prefix.with_name(prefix.name + "_failures.csv")
    failures = []
    if failures_file.exists():
        with failures_file.open() as handle:
            failures = [f"{r['Error']} (x{r['Occurrences']})" for r in csv.DictReader(handle)]
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "median_ms": float(row["50%"] if row["50%"] != "N/A" else 0),
        "p95_ms": float(row["95%"] if row["95%"] != "N/A" else 0),
        "mean_ms": round(float(row["Average Response Time"] or 0), 1),
        "users": users,
        "seconds": seconds,
        "failure_kinds": failures[:5],
    }


def warm_up(base: str, paths: list[str], workers: int) -> None:
    """A few requests per worker, so template compilation and first connections are not
    counted."""
    for path in (paths * (workers * 2))[: max(workers * 3, min(len(paths), 40))]:
        with contextlib.suppress(OSError):  # an error status or a slow first answer
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310  # nosec B310 - ours


def oversold(url: str) -> list[tuple]:
    return database_query(
        url,
        """
        SELECT e.slug, e.capacity, COUNT(r.id)
        FROM events_event e JOIN events_registration r ON r.event_id = e.id
        WHERE r.status IN ('confirmed', 'attended', 'no_show')
        GROUP BY e.id HAVING COUNT(r.id) > e.capacity
        """,
    )


def signup_outcome(url: str, event_ids: list[int]) -> dict:
    rows = database_query(
        url,
        "SELECT status, COUNT(*) FROM events_registration WHERE comment = 'bench' GROUP BY status",
    )
    doubled = database_query(
        url,
        "SELECT COUNT(*) FROM (SELECT event_id, user_id FROM events_registration "
        "WHERE status NOT IN ('cancelled', 'rejected') GROUP BY event_id, user_id "
        "HAVING COUNT(*) > 1) d",
    )[0][0]
    waiting_clash = database_query(
        url,
        "SELECT COUNT(*) FROM (SELECT event_id, waiting_position FROM events_registration "
        "WHERE status = 'waiting' GROUP BY event_id, waiting_position HAVING COUNT(*) > 1) d",
    )[0][0]
    full = database_query(
        url,
        "SELECT COUNT(*) FROM events_event e WHERE e.id = ANY(%s) AND e.capacity <= "
        "(SELECT COUNT(*) FROM events_registration r WHERE r.event_id = e.id "
        "AND r.status IN ('confirmed', 'attended', 'no_show'))",
        (event_ids,),
    )[0][0]
    return {
        "by_status": dict(rows),
        "double_registrations": doubled,
        "waiting_position_clashes": waiting_clash,
        "target_events_full": full,
    }


# --- report -------------------------------------------------------------------------------------


def table(results: dict, ceiling_rps: float) -> str:
    lines = [
        f"{'page':<20} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'fails':>6} "
        f"{'of ceiling':>11}  targets",
        "-" * 86,
    ]
    for key, label in [("bare", "bare view (ceiling)"), *READ_PAGES, ("signup", "sign-up POST")]:
        row = results.get(key)
        if row is None:
            continue
        if "error" in row:
            lines.append(f"{label:<20} {'error: ' + row['error'][:60]}")
            continue
        share = row["rps"] / ceiling_rps if ceiling_rps else 0
        lines.append(
            f"{label:<20} {row['rps']:>8.1f} {row['median_ms']:>10.0f} {row['p95_ms']:>8.0f} "
            f"{row['failures']:>6} {share:>10.0%}  {row.get('verdict', '')}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:  # noqa: C901 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 20)))
    # Read pages: as many users as gunicorn workers by default, so every worker is busy all the
    # time (the throughput is the saturated maximum) without requests queueing behind each other
    # (the latency is the time a request takes, not a queue's length).
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", 0)))
    parser.add_argument("--signup-users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 0)))
    parser.add_argument("--only", help="comma-separated scenarios (bare is always run)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a seeded database and plan")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = round(os.getloadavg()[0], 2)
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="almennet-bench-"))
    workers = args.workers or max(2, (os.cpu_count() or 1) * 2)
    args.users = args.users or workers

    url = database_url()
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if redis_url is None:
        redis_url = "redis://127.0.0.1:6379/7" if port_answers("127.0.0.1", 6379) else ""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="devtools.bench.settings",
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="off",
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        # No SMTP server (and maybe no Redis) here: a deliberately small production install.
        ALLOW_SMALL_INSTALL="on",
        BENCH_STATIC_ROOT=str(workdir / "static"),
        SITE_URL="http://127.0.0.1",
        LOG_LEVEL="ERROR",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if args.reuse:
        # Sessions in the plan were signed with the earlier key.
        env["SECRET_KEY"] = (OUT / "secret").read_text().strip()
    else:
        (OUT / "secret").write_text(env["SECRET_KEY"])
        (OUT / "secret").chmod(0o600)
    python = [sys.executable]
    say(
        f"database {url.split('@')[-1]}, redis {redis_url or 'none (tasks eager)'}, "
        f"{workers} gunicorn workers"
    )

    plan_path = OUT / "plan.json"
    seed_seconds = None
    if not args.reuse:
        database_recreate(url)
        step = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [*python, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        say(f"migrated in {time.perf_counter() - step:.0f} s")
        step = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                *python,
                "-m",
                "devtools.bench.seed",
                "--scale",
                str(args.scale),
                "--plan",
                str(plan_path),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        seed_seconds = round(time.perf_counter() - step, 1)
        say(f"seeded in {seed_seconds} s")
    plan = json.loads(plan_path.read_text())
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [*python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_file = (OUT / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            *python,
            "-m",
            "gunicorn",
            "almennet.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results: dict = {}
    try:
        for _attempt in range(120):
            try:
                if urllib.request.urlopen(base + "/healthz", timeout=5).status == 200:  # noqa: S310  # nosec B310
                    break
            except OSError:  # refused, reset or timed out while the workers boot
                time.sleep(0.5)
        else:
            raise SystemExit(f"gunicorn did not answer /healthz; see {OUT / 'gunicorn.log'}")
        say(f"gunicorn answers at {base}")

        only = set(args.only.split(",")) if args.only else None
        # The bare view runs first and last; the ceiling is the better of the two, so that
        # other work on the machine during one of them does not flatter every ratio.
        scenarios = (
            [("bare", "bare view")]
            + READ_PAGES
            + [("signup", "sign-up POST"), ("bare_again", "bare view again")]
        )
        for key, label in scenarios:
            if only and key != "bare" and key not in only:
                continue
            if only and key == "bare_again":
                continue
            if key == "bare_again":
                key = "bare"
                results["bare_first"] = results.get("bare", {})
            if key != "signup" and not plan["paths"].get(key):
                results[key] = {"error": "no data for this page (its model has not landed)"}
                continue
            if key == "signup" and not (plan["sessions"] and plan["signup_events"]):
                results[key] = {"error": "no sessions or events in the seeded data"}
                continue
            if key != "signup":
                warm_up(base, plan["paths"][key], workers)
            users = args.signup_users if key == "signup" else args.users
            say(f"{label}: {users} users for {args.seconds} s")
            try:
                results[key] = run_locust(
                    scenario=key,
                    base=base,
                    plan_path=plan_path,
                    users=users,
                    seconds=args.seconds,
                    env=env,
                    workdir=workdir,
                )
            except Exception as error:  # noqa: BLE001 - report and go on with the next page
                results[key] = {"error": str(error)}
        if not only or "signup" in only:  # the scripted sign-up rush (devtools/bench/signup.py)
            from devtools.bench import signup as signup_rush

            for hot in (True, False):
                key = "signup_hot" if hot else "signup_spread"
                try:
                    results[key] = signup_rush.measure(base, seconds=args.seconds, hot=hot, env=env)
                except Exception as error:  # noqa: BLE001 - report and go on
                    results[key] = {"error": str(error)}
                say(f"{key}: {results[key]}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log_file.close()

    first = results.pop("bare_first", None)
    if first and "rps" in first and first["rps"] > results.get("bare", {}).get("rps", 0):
        results["bare"], first = first, results["bare"]
    if first:
        results["bare"]["other_run_rps"] = first.get("rps")
    ceiling = results.get("bare", {}).get("rps", 0)
    for key, _label in READ_PAGES:
        row = results.get(key)
        if not row or "error" in row:
            continue
        row["share_of_ceiling"] = round(row["rps"] / ceiling, 3) if ceiling else None
        met_share = bool(ceiling) and row["rps"] >= READ_SHARE_TARGET * ceiling
        met_p95 = row["p95_ms"] < READ_P95_TARGET_MS
        row["targets"] = {"share_40pct": met_share, "p95_under_100ms": met_p95}
        row["verdict"] = " ".join(
            [("share ok" if met_share else "share LOW"), ("p95 ok" if met_p95 else "p95 HIGH")]
        )
    signup = results.get("signup")
    if signup and "error" not in signup:
        signup["oversold_events"] = [list(row) for row in oversold(url)]
        signup["outcome"] = signup_outcome(url, [e["id"] for e in plan["signup_events"]])
        signup["share_of_ceiling"] = round(signup["rps"] / ceiling, 3) if ceiling else None
        met_p95 = signup["p95_ms"] < SIGNUP_P95_TARGET_MS
        no_oversell = not signup["oversold_events"]
        clean = (
            signup["outcome"]["double_registrations"] == 0
            and signup["outcome"]["waiting_position_clashes"] == 0
        )
        signup["targets"] = {
            "p95_under_200ms": met_p95,
            "no_seat_oversold": no_oversell,
            "no_doubles": clean,
        }
        signup["verdict"] = " ".join(
            [
                ("p95 ok" if met_p95 else "p95 HIGH"),
                ("none oversold" if no_oversell else "OVERSOLD"),
                ("no doubles" if clean else "DOUBLES"),
            ]
        )

    extra = {}
    for command in EXTRA_COMMANDS:
        if not list(ROOT.glob(f"*/management/commands/{command}.py")):
            continue
        say(f"manage.py {command} (the app's own benchmark) on the same data")
        done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [*python, "manage.py", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        extra[command] = (done.stdout + done.stderr).strip().splitlines()[-25:]

    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        # Other work on the machine shares the CPUs with gunicorn and locust; the load average
        # before the run and at its end says how much.
        "machine": {**machine(), "load_average_1m_before": load_before},
        "settings": {
            "scale": args.scale,
            "seconds_per_page": args.seconds,
            "read_users": args.users,
            "signup_users": args.signup_users,
            "gunicorn_workers": workers,
            "gunicorn_worker_class": "sync",
            "redis": bool(redis_url),
            "database": url.split("@")[-1].split("?")[0] or "embedded",
        },
        "seed": {"seconds": seed_seconds or plan.get("seed_seconds"), "counts": plan["counts"]},
        "ceiling_rps": ceiling,
        "results": results,
        "app_benchmarks": extra,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(report, indent=2, ensure_ascii=False)
    (OUT / f"bench-{stamp}.json").write_text(text)
    (OUT / "latest.json").write_text(text)
    m = report["machine"]
    print()
    print(
        f"AlmenNet bench {report['when']}  ({m['nproc']} CPUs, {m['cpu']}, {m['memory_gb']} GB,"
        f" load {m['load_average_1m_before']} before / {m['load_average_1m']} after;"
        f" {workers} sync workers; {args.users} users per read page, {args.signup_users} for"
        f" sign-up; {args.seconds} s each)"
    )
    print(table(results, ceiling))
    if signup and "outcome" in signup:
        print(
            f"sign-up outcome: {signup['outcome']}; oversold events: "
            f"{signup['oversold_events'] or 'none'}"
        )
    for command, lines in extra.items():
        print(f"\nmanage.py {command}:")
        print("\n".join("  " + line for line in lines))
    print(
        f"JSON: {OUT / f'bench-{stamp}.json'} (and latest.json); "
        f"total {report['total_seconds']:.0f} s"
    )

    shutil.rmtree(workdir, ignore_errors=True)
    if not args.keep:
        database_recreate(url, drop_only=True)
        (OUT / "secret").unlink(missing_ok=True)
    # Slow pages are reported; a seat sold twice over or a double registration fails the run.
    targets = (signup or {}).get("targets", {})
    if targets and not (targets["no_seat_oversold"] and targets["no_doubles"]):
        say("FAILED: seats oversold or registrations doubled (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
