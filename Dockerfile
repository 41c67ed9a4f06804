# One image for the web, the Celery worker and Celery beat (see compose.yaml and README.md,
# "Production"). Build:  docker build -t almennet .
# The default command is gunicorn; the worker and beat run the same image with another command.
ARG PYTHON_IMAGE=python:3.13-slim-bookworm

# --- build: the locked dependencies, the portal's wheel, and the static files ----------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/almennet
# Exact versions with hashes (requirements/production.txt, `make lock`); a layer of its own, so
# a code change does not reinstall them.
COPY requirements/production.txt requirements/production.txt
RUN /opt/almennet/bin/pip install --require-hashes -r requirements/production.txt
COPY . .
RUN /opt/almennet/bin/pip wheel --no-deps -w /tmp/wheels . \
 && /opt/almennet/bin/pip install --no-deps /tmp/wheels/*.whl
# collectstatic at build time, from the installed package (never the source folder). The
# settings need production values to load; none of them is kept or used at run time.
RUN cd / && DEBUG=off ALLOW_SMALL_INSTALL=on SECRET_KEY=collectstatic-at-build-time \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@build/build \
    STATIC_ROOT=/opt/almennet-static DJANGO_SETTINGS_MODULE=almennet.settings \
    /opt/almennet/bin/django-admin collectstatic --noinput

# --- run: no compiler, no source folder, not root -------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/almennet/bin:$PATH \
    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=almennet.settings \
    STATIC_ROOT=/opt/almennet-static \
    DATA_DIR=/srv/almennet \
    PORT=8000
RUN groupadd --system --gid 10001 almennet \
 && useradd --system --uid 10001 --gid almennet --home-dir /srv/almennet --no-create-home almennet \
 && mkdir -p /srv/almennet \
 && chown almennet:almennet /srv/almennet
COPY --from=build /opt/almennet /opt/almennet
COPY --from=build /opt/almennet-static /opt/almennet-static
USER almennet
WORKDIR /srv/almennet
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
CMD ["gunicorn", "-c", "python:almennet.gunicorn_conf", "almennet.wsgi"]
