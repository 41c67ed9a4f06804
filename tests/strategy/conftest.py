import pytest

from devtools.factories import strategy as factories


@pytest.fixture
def staff(db):
    return factories.staff_user()


@pytest.fixture
def areas(db):
    return [factories.FocusAreaFactory(title=t) for t in ("Klima", "Ældre", "Data")]


@pytest.fixture
def board(db):
    """Three board members with two-factor authentication, and a substitute."""
    members = [factories.board_member() for _ in range(3)]
    substitute = factories.board_member(role="substitute")
    return members, substitute


class MailCalls(list):
    """The recorded message_queue calls; .of("priorities") keeps one kind of strategy mail."""

    def of(self, kind: str) -> list:
        return [c for c in self if c["template"] == f"strategy/mail/{kind}"]


@pytest.fixture
def mail_outbox(monkeypatch):
    """Replace the outbox with a recorder of message_queue calls."""
    calls = MailCalls()
    monkeypatch.setattr("strategy.mail._message_queue", lambda: lambda **kw: calls.append(kw))
    return calls


@pytest.fixture(autouse=True)
def _reset_language():
    """A request to /en/ leaves English active in this thread; the next test starts afresh."""
    from django.utils import translation

    yield
    translation.deactivate()
