"""The container, the compose file and the lock files, checked as far as this machine can: no
base image can be pulled here, so the image is never built in the tests. The Dockerfile's
install steps are the ones tests/almennet/test_installable.py runs in a fresh virtualenv; the
compose file is checked by `docker compose config` (or docker-compose) where one is installed,
and by its structure always."""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def _pins(path: Path) -> dict[str, str]:
    text = path.read_text()
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(
            r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", text, re.M
        )
    }


def test_the_image_is_multi_stage_and_runs_as_a_user():
    stages = re.findall(r"^FROM\s+\S+(?:\s+AS\s+(\w+))?", DOCKERFILE, re.M)
    assert len(stages) == 2 and stages[0] == "build"
    run_stage = DOCKERFILE.split("\nFROM ")[-1]
    assert re.search(r"^USER almennet$", run_stage, re.M)
    assert "COPY --from=build /opt/almennet /opt/almennet" in run_stage
    assert "COPY . ." not in run_stage  # no source folder in the image that runs


def test_the_image_installs_what_the_wheel_test_installs():
    """The commands that tests/almennet/test_installable.py runs, in the same order."""
    steps = [
        "pip install --require-hashes -r requirements/production.txt",
        "pip wheel --no-deps -w /tmp/wheels .",
        "pip install --no-deps /tmp/wheels/*.whl",
        "django-admin collectstatic --noinput",
    ]
    positions = [DOCKERFILE.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions)
    assert 'CMD ["gunicorn", "-c", "python:almennet.gunicorn_conf", "almennet.wsgi"]' in DOCKERFILE


def test_compose_runs_one_image_as_web_worker_and_one_beat_after_migrations():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "migrate", "db", "redis", "cache"} <= set(services)
    portal = {name: services[name] for name in ("migrate", "web", "worker", "beat")}
    assert {service["image"] for service in portal.values()} == {
        "almennet:${ALMENNET_VERSION:-latest}"
    }
    assert "command" not in services["web"]  # the image's gunicorn
    assert services["worker"]["command"][:4] == ["celery", "-A", "almennet", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "almennet", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["migrate"]["command"] == [
        "sh",
        "-c",
        "django-admin migrate --noinput && django-admin staff_groups --sync",
    ]
    for name in ("web", "worker", "beat"):
        assert portal[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    environment = services["web"]["environment"]
    assert environment["DEBUG"] == "off"
    assert environment["REDIS_URL"] != environment["CACHE_URL"]
    assert "allkeys-lru" in services["cache"]["command"]
    assert "noeviction" in services["redis"]["command"]


def test_docker_compose_accepts_the_file():
    command = None
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    if command is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed")
    env = {**os.environ, "SECRET_KEY": "x" * 50, "EMAIL_URL": "smtp+tls://u:p@smtp.example.org:587"}
    result = subprocess.run(
        [*command, "-f", "compose.yaml", "config", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Without a SECRET_KEY compose refuses, naming it.
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [*command, "-f", "compose.yaml", "config", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_lock_files_cover_pyproject_and_agree_with_each_other():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    production = _pins(ROOT / "requirements" / "production.txt")
    development = _pins(ROOT / "requirements" / "dev.txt")

    def names(requirements):
        return {
            re.match(r"[A-Za-z0-9_.\-]+", r).group(0).lower().replace("_", "-")
            for r in requirements
        }

    missing = names(project["dependencies"]) - set(production)
    assert not missing, f"run `make lock`: {missing} not in requirements/production.txt"
    extras = project["optional-dependencies"]
    missing = names(extras["dev"] + extras["test"]) - set(development)
    assert not missing, f"run `make lock`: {missing} not in requirements/dev.txt"
    differ = {
        name: (version, development.get(name))
        for name, version in production.items()
        if development.get(name) != version
    }
    assert not differ, f"production and development pin different versions: {differ}"
    # The embedded PostgreSQL (the dev extra) is never part of a production install.
    assert not names(extras["dev"]) & set(production)
    assert all(
        "--hash=sha256:" in (ROOT / "requirements" / f).read_text()
        for f in ("production.txt", "dev.txt")
    )
