import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(FileBackend):
    """Development mail: each message is written to var/mail/ and announced on the console."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        for message in email_messages or []:
            sys.stdout.write(
                f"[mail] to {', '.join(message.recipients())}: {message.subject}"
                f" (saved in {self.file_path})\n"
            )
        return sent
