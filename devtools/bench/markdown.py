"""Print the latest `make bench` result (var/bench/latest.json) as the Markdown table that
README.md's "Measured" section shows:  python -m devtools.bench.markdown [path/to/result.json]"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
LABELS = [
    ("bare", "bare Django view (ceiling)"),
    ("front", "front page"),
    ("event_list", "event list"),
    ("event_detail", "event detail"),
    ("search", "search (4,000 distinct queries)"),
    ("publication_list", "publication list"),
    ("organisation", "organisation page"),
    ("strategy", "strategy page"),
    ("event_detail_member", "event detail, logged-in member"),
    ("signup", "sign-up POST (50 users)"),
]


def markdown(report: dict) -> str:
    machine = report["machine"]
    ceiling = report["ceiling_rps"] or 0
    lines = [
        f"{report['when'][:16].replace('T', ' ')} UTC on {machine['nproc']} CPUs "
        f"({machine['cpu']}), {machine['memory_gb']} GB RAM, load average "
        f"{machine.get('load_average_1m_before', '?')} at the start; "
        f"{report['settings']['gunicorn_workers']} sync gunicorn workers, "
        f"{report['settings']['read_users']} locust users per read page, "
        f"{report['settings']['seconds_per_page']} s per page; seeded in "
        f"{report['seed']['seconds']} s, whole run {report['total_seconds']:.0f} s.",
        "",
        "| page | req/s | median ms | p95 ms | of ceiling |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in LABELS:
        row = report["results"].get(key)
        if not row or "error" in row:
            continue
        share = f"{row['rps'] / ceiling:.0%}" if ceiling else "–"
        lines.append(
            f"| {label} | {row['rps']:.0f} | {row['median_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {share} |"
        )
    signup = report["results"].get("signup") or {}
    if "oversold_events" in signup:
        outcome = signup["outcome"]
        lines += [
            "",
            f"Sign-up: {sum(outcome['by_status'].values())} registrations in the run "
            f"({', '.join(f'{n} {s}' for s, n in outcome['by_status'].items())}), "
            f"{len(signup['oversold_events'])} events oversold, "
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
