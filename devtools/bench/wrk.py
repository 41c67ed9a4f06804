"""The read side of `make bench`: wrk (Debian's package, a native load generator) against the
running gunicorn, the generator's own ceiling, and real logins for members' pages.

- ``run_wrk`` drives one scenario with ``wrk -t2 -c32 --latency`` and a small Lua script that
  cycles through the scenario's paths (and sends a session cookie for members' pages) and
  prints requests, errors and the 50th/95th/99th percentile latency as JSON when done.
- ``trivial_server`` starts a responder that answers every request with a fixed two-byte
  response, one process per CPU: wrk against it shows what the generator itself can send on
  this machine. When the bare view reaches a large part of that, the generator (not the
  server) was the limit, and run.py prints no shares of the ceiling.
- ``log_in`` logs a member in through the portal's real login form (allauth, CSRF and all) and
  returns the session cookie, as a browser would get it.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# Printed by the Lua script's done(); one JSON line after this marker.
MARKER = "BENCH-JSON "
LUA = textwrap.dedent(
    """
    -- Cycles through the paths in the file named by the first argument; a second argument is
    -- sent as the Cookie header. Each thread starts at a different place in the list.
    local paths, cookie, index = {}, nil, 0
    local thread_count = 0
    function setup(thread)
      thread_count = thread_count + 1
      thread:set("offset", thread_count * 7919)
    end
    function init(args)
      for line in io.lines(args[1]) do
        if #line > 0 then paths[#paths + 1] = line end
      end
      if args[2] and #args[2] > 0 then cookie = args[2] end
      index = (tonumber(offset) or 0) % #paths
    end
    function request()
      index = index % #paths + 1
      local headers = {}
      if cookie then headers["Cookie"] = cookie end
      return wrk.format("GET", paths[index], headers)
    end
    function done(summary, latency, requests)
      local e = summary.errors
      io.write(string.format(
        "%s{\\"requests\\": %d, \\"duration_us\\": %d, \\"connect\\": %d, \\"read\\": %d, " ..
        "\\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d, \\"p50_us\\": %d, " ..
        "\\"p95_us\\": %d, \\"p99_us\\": %d, \\"max_us\\": %d}\\n",
        "%s", summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
        e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
        latency.max))
    end
    """
).replace('"%s", summary', f'"{MARKER}", summary')


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    base: str,
    paths: list[str],
    *,
    seconds: float,
    workdir: Path,
    name: str,
    cookie: str = "",
    threads: int = 2,
    connections: int = 32,
) -> dict:
    """One wrk run; requests/s, latency percentiles in ms and the errors (any status but 200
    counts as one)."""
    # Per run: the soak runs two of them at once in one folder, and a script rewritten while
    # the other wrk reads it lost its summary.
    script = workdir / f"{name}.lua"
    script.write_text(LUA)
    path_file = workdir / f"{name}.paths"
    path_file.write_text("\n".join(paths) + "\n")
    command = [
        wrk_path() or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        base,
        "--",
        str(path_file),
        cookie,
    ]
    done = subprocess.run(  # noqa: S603 - wrk with our own arguments
        command, capture_output=True, text=True, timeout=seconds + 60
    )
    line = next(
        (x for x in done.stdout.splitlines() if x.startswith(MARKER)),
        None,
    )
    if line is None:
        raise RuntimeError(f"wrk printed no result: {(done.stdout + done.stderr)[-800:]}")
    raw = json.loads(line[len(MARKER) :])
    duration = raw["duration_us"] / 1e6 or 1
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "tool": f"wrk -t{threads} -c{connections}",
        "requests": raw["requests"],
        "rps": round(raw["requests"] / duration, 1),
        "median_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        # wrk counts 4xx and 5xx answers in errors.status (run.py checks each scenario's
        # first answer is a 200, so a redirect to the login page is caught before the run).
        "failures": socket_errors + raw["status"],
        "connections": connections,
        "seconds": round(duration, 1),
    }


# --- the generator's own ceiling ----------------------------------------------------------------

TRIVIAL_SERVER = textwrap.dedent(
    """
    import asyncio, os, socket, sys
    REPLY = b"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 2\\r\\n\\r\\nok"
    class Reply(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport, self.buffer = transport, b""
        def data_received(self, data):
            self.buffer += data
            while b"\\r\\n\\r\\n" in self.buffer:
                _, self.buffer = self.buffer.split(b"\\r\\n\\r\\n", 1)
                self.transport.write(REPLY)
    async def main(port):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(1024)
        server = await asyncio.get_running_loop().create_server(Reply, sock=sock)
        await server.serve_forever()
    asyncio.run(main(int(sys.argv[1])))
    """
)


class trivial_server:  # noqa: N801 - used as a context manager, like open()
    """A fixed two-byte HTTP response from one process per CPU (SO_REUSEPORT): no framework,
    no database, next to no work per request."""

    def __init__(self, port: int, processes: int | None = None):
        self.port = port
        self.processes = processes or max(1, os.cpu_count() or 1)
        self.children: list[subprocess.Popen] = []

    def __enter__(self) -> str:
        for _ in range(self.processes):
            self.children.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and script
                    [sys.executable, "-c", TRIVIAL_SERVER, str(self.port)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                import time

                time.sleep(0.1)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        for child in self.children:
            child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()


# --- logging in through the real login ---------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_COOKIE = re.compile(r"^\s*([^=;\s]+)=([^;]*)")


def _cookies(headers) -> dict:
    found = {}
    for value in headers.get_all("Set-Cookie") or []:
        match = _COOKIE.match(value)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def log_in(base: str, email: str, password: str) -> str:
    """The member's session cookie from the portal's login form (GET for the CSRF token, POST
    the e-mail address and password). The portal's cookies are Secure under production
    settings, so they are read from Set-Cookie and sent back by hand over plain HTTP."""
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(base + "/accounts/login/", timeout=30) as page:
        html = page.read().decode()
        cookies = _cookies(page.headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not token or "csrftoken" not in cookies:
        raise RuntimeError("the login page carried no CSRF token")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - our own local server
        base + "/accounts/login/",
        data=body,
        headers={
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": base + "/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # the 302 arrives as an "error" without redirects
        response = error
    session = _cookies(response.headers).get("sessionid")
    if response.status != 302 or not session:
        raise RuntimeError(
            f"login of {email} gave {response.status} {response.headers.get('Location')}"
        )
    return session
