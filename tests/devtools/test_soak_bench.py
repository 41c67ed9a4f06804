"""The soak (devtools/bench/soak.py) runs two wrk loads at once in one folder: each keeps its
own script, and a load that fails is reported as failed instead of ending the soak without its
memory figures."""

import http.server
import os
import shutil
import threading

import pytest

from devtools.bench import soak, wrk


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_two_wrk_runs_at_once_in_one_folder_both_report(tmp_path):
    if not shutil.which("wrk"):
        # make test installs it as root (wrk-for-tests); CI runs as root, so there it must be.
        if os.environ.get("CI"):
            pytest.fail("wrk is missing: CI's make test installs it")
        pytest.skip("wrk is not installed (make wrk)")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    results = {}

    def run(name):
        results[name] = wrk.run_wrk(
            base, ["/a", "/b"], seconds=1, workdir=tmp_path, name=name, threads=1, connections=2
        )

    try:
        threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        httpd.shutdown()
    assert set(results) == {"one", "two"}
    assert all(result["requests"] > 0 for result in results.values())


def test_a_failed_load_is_recorded_and_the_other_still_runs(tmp_path, monkeypatch):
    def run_wrk(base, paths, *, name, **options):
        if name.startswith("visitors"):
            raise RuntimeError("wrk printed no result")
        return {"rps": 12.0, "requests": 120}

    monkeypatch.setattr(soak, "run_wrk", run_wrk)
    monkeypatch.setattr(soak, "sign_ups", lambda base, plan, minute: 10)
    monkeypatch.setattr(soak, "_paths", lambda plan, pages: ["/"])
    traffic = soak.minute_of_traffic("http://127.0.0.1:1", {}, "", tmp_path, 0, 5)
    assert traffic["visitors"] == {"error": "wrk printed no result"}
    assert traffic["members"]["rps"] == 12.0
    assert traffic["sign_ups"] == 10
