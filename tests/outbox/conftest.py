from pathlib import Path

import pytest

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _mailings_test_templates(settings):
    """Templates only the tests use (mailings_test/hello_*), beside the project's own."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]


@pytest.fixture(autouse=True)
def _danish(settings):
    """Each test starts in the default language: reverse() and the pages it reads are Danish,
    whatever an earlier test's request left active in this thread."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def smtp(settings):
    """Route the outbox's deliveries through ScriptedBackend; returns the class to script."""
    from tests.outbox.backends import ScriptedBackend

    settings.MAILERS = {"default": {"BACKEND": "tests.outbox.backends.ScriptedBackend"}}
    ScriptedBackend.failures = {}
    ScriptedBackend.opened = 0
    yield ScriptedBackend
    ScriptedBackend.failures = {}
