import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _default_language():
    """Start in Danish: a request to /en/ elsewhere leaves English active in the thread
    (LocaleMiddleware does not reset it), and reverse() would then give /en/ addresses."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
