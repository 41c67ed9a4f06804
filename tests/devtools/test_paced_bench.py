"""The paced generator (devtools/bench/paced.py): it sends at the rate asked, and a request
that could not go out on time counts its wait (a slow server shows as slow, not as fewer
requests)."""

import http.server
import threading
import time

import pytest

from devtools.bench import paced


class _Handler(http.server.BaseHTTPRequestHandler):
    pause = 0.0

    def do_GET(self):  # noqa: N802 - the standard library's name
        time.sleep(self.pause)
        body = self.headers.get("Cookie", "").encode() or b"ok"
        self.send_response(200 if self.path != "/missing" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    def start(pause: float, threaded: bool):
        handler = type("Handler", (_Handler,), {"pause": pause})
        kind = http.server.ThreadingHTTPServer if threaded else http.server.HTTPServer
        httpd = kind(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    servers = []
    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def test_it_sends_at_the_rate_asked_and_counts_what_is_not_a_200(server):
    base = server(0.0, threaded=True)
    result = paced.run(base, ["/", "/missing"], rate=40, seconds=1, cookie="sessionid=x")
    assert result["requests"] == 40
    assert result["failures"] == 20  # every other path answers 404
    assert 25 <= result["rps"] <= 45


def test_a_request_that_waits_for_a_slow_server_counts_its_wait(server):
    # One request at a time, 100 ms each, 20 a second offered: the line grows by half a second
    # a second. A closed loop would report 100 ms; timed from when they were due, the last
    # requests waited about a second.
    base = server(0.1, threaded=False)
    result = paced.run(base, ["/"], rate=20, seconds=1, limit=1)
    assert result["requests"] == 20
    assert result["median_ms"] >= 300
    assert result["p95_ms"] >= 700


def test_a_server_that_keeps_the_connection_open_does_not_stall_it():
    """The do-nothing responder of run.py keeps connections open whatever the client asks: the
    answer ends at its Content-Length."""
    import socketserver

    class KeepOpen(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(65536)
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            time.sleep(5)  # and never closes before the client does

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True

    with Server(("127.0.0.1", 0), KeepOpen) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started = time.perf_counter()
        result = paced.run(f"http://127.0.0.1:{httpd.server_address[1]}", ["/"], rate=20, seconds=1)
        httpd.shutdown()
    assert result["requests"] == 20 and result["failures"] == 0
    assert time.perf_counter() - started < 4
