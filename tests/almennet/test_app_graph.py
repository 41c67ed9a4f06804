"""The app layers hold for what import-linter cannot see: foreign keys (string references
included), reverse accessors and template includes. The layer order is read from
pyproject.toml's [tool.importlinter] contract, the one `make lint-imports` checks for imports,
so the two cannot drift apart. Every edge must point to a lower layer; so no two apps form a
cycle, however it is counted."""

import re
import tomllib
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["id"] == "app-layers")
    layers = [[name.strip() for name in layer.split("|")] for layer in contract["layers"]]
    # The apps; almennet's modules (the project's wiring, the shared helpers) are not apps.
    return [layer for layer in layers if all("." not in name for name in layer)]


LAYERS = _layers()
RANK = {app: len(LAYERS) - i for i, layer in enumerate(LAYERS) for app in layer}


def _allowed(source: str, target: str) -> bool:
    return source == target or RANK[target] < RANK[source]


def _relations():
    """(app, model, field, target app, related name) for every relation our apps declare."""
    for model in apps.get_models():
        source = model._meta.app_label
        if source not in RANK:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            # The user model is named through settings.AUTH_USER_MODEL, as any reusable app
            # names it: a dependency on Django's auth contract, not on the members app.
            if target not in RANK or getattr(field, "swappable_setting", None):
                continue
            yield source, model.__name__, field.name, target, field.remote_field.related_name


def test_the_layers_are_the_apps():
    assert LAYERS[0] == ["strategy", "newsletters", "invoicing"]
    assert LAYERS[-1] == ["outbox", "search", "activity", "siteinfo"]
    assert set(RANK) == {
        "outbox", "search", "members", "events", "projects", "publications", "strategy",
        "newsletters", "invoicing", "activity", "siteinfo",
    }  # fmt: skip


def test_foreign_keys_point_down():
    wrong = [
        f"{source}.{model}.{field} -> {target}"
        for source, model, field, target, _name in _relations()
        if not _allowed(source, target)
    ]
    assert not wrong


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*")):
        if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts:
            yield path


def _reverse_accessor_uses():
    """Lines of a lower app that use a reverse accessor a higher app's relation gives it:
    `event.focus_areas`, `focus_areas__slug`, `list_filter = ["focus_areas"]`."""
    names: dict[str, set[tuple[str, str]]] = {}
    for source, _model, _field, target, related_name in _relations():
        if source != target and related_name and not related_name.endswith("+"):
            names.setdefault(target, set()).add((related_name, source))
    for app, accessors in names.items():
        patterns = [
            (re.compile(rf"\.{name}\b|\b{name}__\w|[\"']{name}[\"'](?!\s*:)"), name, owner)
            for name, owner in accessors
        ]
        for path in _sources(app):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for pattern, name, owner in patterns:
                    if pattern.search(line):
                        yield f"{path.relative_to(ROOT)}:{number} uses {owner}'s {name!r}"


def test_no_lower_app_uses_a_higher_apps_reverse_accessor():
    assert list(_reverse_accessor_uses()) == []


TEMPLATE_TAG = re.compile(r"{%\s*(?:include|extends)\s+[\"']([\w-]+)/")
STATIC_TAG = re.compile(r"{%\s*static\s+[\"']([\w-]+)/")


def _owners(kind: str) -> dict[str, str]:
    """Folder under templates/ or static/ ("events") -> the app that has it."""
    owners = {}
    for app in RANK:
        folder = ROOT / app / kind
        for child in folder.iterdir() if folder.is_dir() else ():
            if child.is_dir() and child.name in RANK:
                owners[child.name] = app
    return owners


def _template_edges():
    """(app, app it uses, template): includes and extends of templates, static files."""
    uses = [(TEMPLATE_TAG, _owners("templates")), (STATIC_TAG, _owners("static"))]
    for app in RANK:
        folder = ROOT / app / "templates"
        for path in sorted(folder.rglob("*.*")) if folder.is_dir() else ():
            text = path.read_text()
            for tag, owners in uses:
                for name in tag.findall(text):
                    if name in owners:
                        yield app, owners[name], path.relative_to(ROOT)


def test_templates_include_extend_and_load_static_files_of_their_own_or_lower_apps():
    edges = list(_template_edges())
    assert ("events", "outbox") in {(a, b) for a, b, _path in edges}  # the scan sees something
    wrong = [f"{path}: {a} -> {b}" for a, b, path in edges if not _allowed(a, b)]
    assert not wrong


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {app: set() for app in RANK}
    for source, _model, _field, target, _name in _relations():
        graph[source].add(target)
    for source, target, _path in _template_edges():
        graph[source].add(target)
    for line in _reverse_accessor_uses():
        app = line.split("/", 1)[0]
        owner = line.split(" uses ", 1)[1].split("'", 1)[0]
        graph[app].add(owner)
    return {app: targets - {app} for app, targets in graph.items()}


def test_no_two_apps_form_a_cycle():
    graph = _graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for step in graph[start] - seen:
            if step == goal or reaches(step, goal, seen | {step}):
                return True
        return False

    cycles = sorted(app for app in graph if reaches(app, app, set()))
    assert cycles == []


@pytest.mark.parametrize(
    "line",
    [
        'return Event._meta.get_field("focus_areas").related_model',
        "{% for area in project.focus_areas.all %}",
        "Organisation.objects.filter(focus_areas__slug=slug)",
    ],
)
def test_the_accessor_scan_would_catch_a_hidden_edge(line):
    pattern = re.compile(r"\.focus_areas\b|\bfocus_areas__\w|[\"']focus_areas[\"'](?!\s*:)")
    assert pattern.search(line)
