"""Django's ModelBackend, with the read that every logged-in request makes (the user of the
session) compiled once (almennet/compiled.py). It authenticates as Django's does."""

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError

from .compiled import CompiledQuery

_USER = CompiledQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk)[:1], pk=int)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except (ValidationError, TypeError, ValueError):  # a session's id that is not one
            return None
        user = _USER.first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None
