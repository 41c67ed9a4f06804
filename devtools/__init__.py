"""Development tools, kept out of the installed product: see apps.py."""
