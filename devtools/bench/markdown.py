"""Print the latest `make bench` result (var/bench/latest.json) as the Markdown table that
README.md's "Measured" section shows:  python -m devtools.bench.markdown [path/to/result.json]"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
LABELS = [
    ("generator", "wrk's own ceiling (a do-nothing responder)"),
    ("generator_paced", "the paced generator against the same responder"),
    ("bare", "bare Django view (ceiling)"),
    ("bare_c64", "bare Django view, 64 connections"),
    ("front", "front page, visitor"),
    ("event_list", "event list, visitor"),
    ("event_detail", "event page, visitor"),
    ("search", "search (distinct queries)"),
    ("publication_list", "publication list"),
    ("organisation", "organisation page"),
    ("strategy", "strategy page"),
    ("front_member", "front page, member"),
    ("event_detail_member", "event page, member"),
    ("my_page", "my page, member"),
    ("my_events", "/events/mine/, member"),
    ("front_member_per_worker", "front page, member, one connection per worker"),
    ("event_detail_member_per_worker", "event page, member, one connection per worker"),
    ("my_page_per_worker", "my page, member, one connection per worker"),
    ("my_events_per_worker", "/events/mine/, member, one connection per worker"),
    ("front_member_paced", "front page, member, sent at 11% of the bare view"),
    ("event_detail_member_paced", "event page, member, sent at 11% of the bare view"),
    ("my_page_paced", "my page, member, sent at 11% of the bare view"),
    ("my_events_paced", "/events/mine/, member, sent at 11% of the bare view"),
    ("signup_hot", "sign-up, one event, as fast as 50 clients can"),
    ("signup_spread", "sign-up, twenty events, as fast as 50 clients can"),
    ("signup_paced", "sign-up, one event, 50 clients offering 100/s"),
]
SIGNUPS = {"signup_hot", "signup_spread", "signup_paced"}


def _ms(row: dict, key: str) -> str:
    value = row.get(key)
    return "–" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def markdown(report: dict) -> str:
    machine = report["machine"]
    ceiling = report["ceiling_rps"] or 0
    limited = report.get("generator_limited", False)
    after = machine.get("load_averages_after") or [machine.get("load_average_1m", "?")]
    lines = [
        f"{report['when'][:16].replace('T', ' ')} UTC on {machine['nproc']} CPUs "
        f"({machine['cpu']}), {machine['memory_gb']} GB RAM; load average "
        f"{machine.get('load_average_1m_before', '?')} at the start, "
        f"{' / '.join(str(x) for x in after)} (1/5/15 min) at the end; "
        f"{report['settings']['gunicorn_workers']} sync gunicorn workers, "
        f"{report['settings'].get('generator', 'wrk')}, "
        f"{report['settings']['seconds_per_page']} s per page; whole run "
        f"{report['total_seconds']:.0f} s.",
        "",
        "| page | req/s | p50 ms | p95 ms | p99 ms | of bare view | targets |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key, label in LABELS:
        row = report["results"].get(key)
        if not row or "error" in row:
            continue
        if key.startswith("generator"):
            share = ""
        elif limited and key not in SIGNUPS:
            share = "refused"
        else:
            share = f"{row['rps'] / ceiling:.0%}" if ceiling else "–"
        lines.append(
            f"| {label} | {row['rps']:.0f} | {_ms(row, 'median_ms')} | {_ms(row, 'p95_ms')} "
            f"| {_ms(row, 'p99_ms')} | {share} | {row.get('verdict', '')} |"
        )
    if limited:
        lines += ["", "Shares refused: the bare view reached the generator's own ceiling."]
    for key in sorted(SIGNUPS & set(report["results"])):
        row = report["results"][key]
        if "outcome" not in row:
            continue
        outcome = row["outcome"]
        lines += [
            "",
            f"{key}: {sum(outcome['by_status'].values())} registrations "
            f"({', '.join(f'{n} {s}' for s, n in outcome['by_status'].items())}), "
            f"{len(row['oversold_events'])} events oversold, "
            f"{outcome['double_registrations']} double registrations.",
        ]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else ROOT / "var" / "bench" / "latest.json"
    print(markdown(json.loads(path.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
