"""Mail settings read from the environment by almennet/settings.py (outbox/dkim.py signs with
them). Imports no app, so settings stay at the bottom of the layers."""

from django.core.exceptions import ImproperlyConfigured


def dkim_settings_read(env) -> dict:
    """DKIM_* settings from the environment; all or nothing, with a sentence when half set."""
    values = {
        "DKIM_DOMAIN": env.str("DKIM_DOMAIN", default=""),
        "DKIM_SELECTOR": env.str("DKIM_SELECTOR", default=""),
        "DKIM_PRIVATE_KEY": env.str("DKIM_PRIVATE_KEY", default="", multiline=True),
    }
    key_file = env.str("DKIM_PRIVATE_KEY_FILE", default="")
    if key_file and not values["DKIM_PRIVATE_KEY"]:
        try:
            with open(key_file) as handle:
                values["DKIM_PRIVATE_KEY"] = handle.read()
        except OSError as error:
            raise ImproperlyConfigured(
                f"DKIM_PRIVATE_KEY_FILE={key_file} cannot be read: {error.strerror}."
            ) from error
    missing = [name for name, value in values.items() if not value]
    if missing and len(missing) < len(values):
        raise ImproperlyConfigured(
            "DKIM signing is half configured: set "
            + ", ".join(missing)
            + " as well (DKIM_PRIVATE_KEY may be given as DKIM_PRIVATE_KEY_FILE), or none."
        )
    return values
