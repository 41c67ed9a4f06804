from django.apps import AppConfig


class MailingsConfig(AppConfig):
    """The former mail app, split into `outbox` and `newsletters`. It keeps only its migrations:
    0003 gives newsletter mail an outbox batch, 0004 renames its tables to the new apps' names,
    and 0005 hands the models (and their content types and permissions) over to them, so every
    existing row stays. It can go once every database has run 0005 and the new apps' initial
    migrations no longer depend on it (a squash)."""

    name = "mailings"
    label = "mailings"
    verbose_name = "Mailings (migrations only)"
