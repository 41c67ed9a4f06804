from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(BaseEmailBackend):
    """Development mail: each message is written to var/mail/ and printed to the console."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.file_backend = FileBackend(fail_silently=fail_silently, **kwargs)
        self.console_backend = ConsoleBackend(fail_silently=fail_silently)

    def send_messages(self, email_messages):
        sent = self.file_backend.send_messages(email_messages)
        self.console_backend.send_messages(email_messages)
        return sent
