"""What `make bench` and `make soak` share: the benchmark's own database, the environment of a
production install, seeding, and a gunicorn serving it (devtools/bench/run.py, soak.py).

The benchmark uses its own database (BENCH_DATABASE_URL, else almennet_bench on the machine's
PostgreSQL at 127.0.0.1:5432, else, or with BENCH_EMBEDDED=1, an embedded PostgreSQL in
var/bench/pgdata), which it drops and creates, and Redis db 7 (BENCH_REDIS_URL) as cache and
broker when Redis answers on 127.0.0.1:6379, as in production. Its cache keys carry their own
prefix (almennet-bench), which is emptied before a run; nothing else in that Redis database is
touched.
"""

import contextlib
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
OUT = ROOT / "var" / "bench"
PYTHON = [sys.executable]
CACHE_PREFIX = "almennet-bench"


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


# --- a production install on this machine --------------------------------------------------------


def environment(*, url: str, redis_url: str, workdir: Path, reuse: bool) -> dict:
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
    secret = OUT / "secret"
    if reuse and secret.exists():
        # Sessions in the plan were signed with the earlier key.
        env["SECRET_KEY"] = secret.read_text().strip()
    else:
        secret.write_text(env["SECRET_KEY"])
        secret.chmod(0o600)
    return env


def redis_location() -> str:
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if redis_url is None:
        redis_url = "redis://127.0.0.1:6379/7" if port_answers("127.0.0.1", 6379) else ""
    return redis_url


def seed(*, url: str, env: dict, scale: float, plan_path: Path) -> float:
    """Drop and create the database, migrate, seed (devtools/bench/seed.py); seconds taken."""
    database_recreate(url)
    step = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [*PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    say(f"migrated in {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    subprocess.run(  # noqa: S603
        [*PYTHON, "-m", "devtools.bench.seed", "--scale", str(scale), "--plan", str(plan_path)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seconds = round(time.perf_counter() - step, 1)
    say(f"seeded in {seconds} s")
    return seconds


def prepare_static_and_cache(env: dict, redis_url: str) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [*PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    if redis_url:
        import redis

        # Only the benchmark's own cache keys (devtools/bench/settings.py's KEY_PREFIX) go; the
        # database may be shared, so it is never flushed.
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000):
            client.delete(key)


def plan_load(plan_path: Path) -> dict:
    return json.loads(plan_path.read_text())


class Gunicorn:
    """gunicorn serving the seeded database with production settings, sync workers."""

    def __init__(self, env: dict, workers: int):
        self.env, self.workers = env, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.log = (OUT / "gunicorn.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                *PYTHON,
                "-m",
                "gunicorn",
                "almennet.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "60",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _attempt in range(120):
            try:
                if urllib.request.urlopen(self.base + "/healthz", timeout=5).status == 200:  # noqa: S310  # nosec B310
                    break
            except OSError:  # refused, reset or timed out while the workers boot
                time.sleep(0.5)
        else:
            self.__exit__()
            raise SystemExit(f"gunicorn did not answer /healthz; see {OUT / 'gunicorn.log'}")
        say(f"gunicorn answers at {self.base} ({self.workers} sync workers)")
        return self

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process = None
        self.log.close()


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def warm_up(
    base: str, paths: list[str], workers: int, cookie: str = "", *, every: bool = False
) -> None:
    """A few requests per worker, so template compilation and first connections are not
    counted; with ``every``, each path once more (visitors' pages: the page cache is warm, as
    on a site that has been up for a minute; members' pages: what they share is warm)."""
    headers = {"Cookie": cookie} if cookie else {}
    count = max(workers * 3, min(len(paths), 40))
    if every:
        count = max(count, len(paths))
    for path in (paths * (workers * 3))[:count]:
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - ours
        with contextlib.suppress(OSError):  # an error status or a slow first answer
            urllib.request.urlopen(request, timeout=30).read()  # noqa: S310  # nosec B310 - ours
