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
        # The members' p95 is judged on the paced run at 11% of the bare view (220/s here):
        # under 50 ms, at no less than 10% (200/s) actually served.
        "my_page": _row(250, p95=140),
        "my_page_paced": _row(220, p95=40),
        "my_events": _row(150, p95=80),
        "my_events_paced": _row(150, p95=30),
        "front_member": _row(240, p95=130),
        "front_member_paced": _row(220, p95=60),
    }
    judge(results, 2000, generator_limited=False)
    assert results["front"]["targets"] == {"share_50pct": True}
    assert results["event_list"]["targets"] == {"share_50pct": False}
    at_10pct = "p95_under_50ms_at_10pct"
    assert results["my_page"]["targets"] == {"share_10pct": True, at_10pct: True}
    assert results["my_page"]["verdict"] == "share ok p95 at 10% ok"
    # too slow to serve 10% at all: the paced run served only 150/s
    assert results["my_events"]["targets"] == {"share_10pct": False, at_10pct: False}
    assert results["front_member"]["targets"] == {"share_10pct": True, at_10pct: False}
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
        "signup_paced": {
            **measured,
            "requests_per_s": 90.0,  # fell behind the 100 a second offered
            "offered_per_s": 100,
            "p99_ms": 180.0,
            "oversold": 0,
            "doubles": 0,
        },
    }
    clean = run.judge_signup(results, "postgres://x", {"signup_events": []})
    assert not clean
    assert results["signup_hot"]["verdict"] == "rate ok none oversold no doubles"
    assert "OVERSOLD" in results["signup_spread"]["verdict"]
    assert results["signup_hot"]["rps"] == 120.0
    assert results["signup_paced"]["verdict"].startswith("pace MISSED p95 ok")
