"""gunicorn's settings for the portal: ``gunicorn -c python:almennet.gunicorn_conf almennet.wsgi``.

Everything comes from the environment: PORT (8000), WEB_CONCURRENCY (workers, 2 per core),
GUNICORN_TIMEOUT (30 s). The access log goes to stdout with the client's address as the portal
sees it behind a proxy (TRUSTED_PROXY_COUNT / CLIENT_IP_HEADER, almennet/client_address.py), not
the load balancer's.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
accesslog = "-"
errorlog = "-"


class ClientAddressLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        from almennet.client_address import client_address

        atoms["h"] = client_address(environ)
        return atoms


logger_class = ClientAddressLogger
