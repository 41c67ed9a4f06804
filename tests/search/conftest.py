# The knowledge hub's test fixtures (private media in a temporary folder, Danish to start).
from tests.publications.conftest import _default_language, _media  # noqa: F401
