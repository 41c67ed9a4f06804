"""`make bench`'s report: shares of the bare view only when the server, not the load
generator, was the limit; visitors' and members' targets judged as the issue sets them."""

from devtools.bench.run import judge, table


def _row(rps, p95=10.0):
    return {"rps": rps, "median_ms": 5.0, "p95_ms": p95, "p99_ms": p95 * 2, "failures": 0}


def test_shares_are_refused_when_the_generator_was_the_limit():
    results = {"generator": _row(3000), "bare": _row(2900), "front": _row(2000)}
    judge(results, 2900, generator_limited=True)
    assert results["front"]["share_of_ceiling"] is None
    assert results["front"]["verdict"] == "share n/a"
    text = table(results, 2900, generator_limited=True)
    front = next(line for line in text.splitlines() if line.startswith("front page"))
    assert "refused" in front and "%" not in front


def test_visitor_and_member_targets():
    results = {
        "bare": _row(2000),
        "front": _row(1100),
        "event_list": _row(700),
        "my_page": _row(250, p95=40),
        "my_events": _row(150, p95=80),
    }
    judge(results, 2000, generator_limited=False)
    assert results["front"]["targets"] == {"share_50pct": True}
    assert results["event_list"]["targets"] == {"share_50pct": False}
    assert results["my_page"]["targets"] == {"share_10pct": True, "p95_under_50ms": True}
    assert results["my_events"]["targets"] == {"share_10pct": False, "p95_under_50ms": False}
    text = table(results, 2000, generator_limited=False)
    assert "55%" in text and "p99 ms" in text


def test_the_sign_up_rows_of_signup_measure_are_judged_with_the_seat_check(monkeypatch):
    import devtools.bench.run as run

    monkeypatch.setattr(run, "oversold", lambda url: [])
    monkeypatch.setattr(
        run,
        "signup_outcome",
        lambda url, ids: {
            "by_status": {"confirmed": 10},
            "double_registrations": 0,
            "waiting_position_clashes": 0,
        },
    )
    measured = {"name": "hot", "requests_per_s": 120.0, "p50_ms": 40.0, "p95_ms": 150.0}
    results = {
        "signup_hot": {**measured, "p99_ms": 180.0, "oversold": 0, "doubles": 0},
        "signup_spread": {**measured, "p99_ms": 190.0, "oversold": 1, "doubles": 0},
    }
    clean = run.judge_signup(results, "postgres://x", {"signup_events": []})
    assert not clean
    assert results["signup_hot"]["verdict"] == "p95 ok none oversold no doubles"
    assert "OVERSOLD" in results["signup_spread"]["verdict"]
    assert results["signup_hot"]["rps"] == 120.0
