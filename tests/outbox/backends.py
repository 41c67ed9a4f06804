"""A mail backend for tests that fails on cue, like an SMTP server would."""

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class ScriptedBackend(BaseEmailBackend):
    """Delivers to django.core.mail.outbox, except for addresses with a scripted failure:
    `ScriptedBackend.failures[address] = [exception, ...]` raises them one per attempt."""

    failures: dict[str, list[Exception]] = {}
    opened = 0

    def open(self):
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                queue = self.failures.get(address)
                if queue:
                    raise queue.pop(0)
            mail.outbox.append(message)
        return len(messages)
