"""Django's database sessions, with the read that every logged-in request makes compiled once
(almennet/compiled.py). Everything else, the table and the stored data included, is Django's:
switching SESSION_ENGINE to or from this store keeps every session."""

import datetime

from django.contrib.sessions.backends import db
from django.utils import timezone

from .compiled import CompiledQuery

_SESSION = CompiledQuery(
    lambda key, now: db.SessionStore.get_model_class().objects.filter(
        session_key=key, expire_date__gt=now
    )[:1],
    key=str,
    now=datetime.datetime,
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # Django's read, compiled: the session that has this key and has not expired.
        found = _SESSION.first(key=self.session_key, now=timezone.now())
        if found is None:
            self._session_key = None
        return found
