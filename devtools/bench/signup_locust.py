"""The sign-up rush through locust (devtools/bench/locustfile.py's SignupUser), used by
`make bench` until devtools/bench/signup.py (a scripted client of its own) is there."""

import csv
import sys

from devtools.bench.server import ROOT, subprocess


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
