"""`make run PORT=...` and `make stop`, the parts of the Makefile a developer meets first."""

import shutil
import signal
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def test_make_run_takes_a_port():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "runserver 127.0.0.1:8123" in result.stdout


def test_make_stop_ends_the_embedded_postgresql_by_its_pid_file(tmp_path):
    # A stand-in postmaster: make stop must end the process named in postmaster.pid, and only it.
    # SIGINT back to its default in the stand-in, as PostgreSQL handles it itself: a test
    # process may ignore SIGINT (an xdist worker can), and a child would inherit that.
    postmaster = subprocess.Popen(
        ["sleep", "60"], preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)
    )
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / "postmaster.pid").write_text(f"{postmaster.pid}\n{tmp_path}\n")
        result = subprocess.run(
            ["make", "stop", f"PGDATA_DIR={tmp_path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        assert f"pid {postmaster.pid}" in result.stdout
        assert postmaster.wait(timeout=10) is not None
        assert bystander.poll() is None
        again = subprocess.run(
            ["make", "stop", f"PGDATA_DIR={tmp_path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        assert "no embedded PostgreSQL running" in again.stdout
    finally:
        for process in (postmaster, bystander):
            if process.poll() is None:
                process.kill()
                process.wait()
