# The web app: gunicorn serving Django, as an unprivileged user. Static files are not served
# from the image: `manage.py collectstatic` (compose's `setup` service) sends them to S3.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. `--group` needs pip >= 25.1.
COPY pyproject.toml ./
# DL3013 wants pinned versions: the group's are pinned in pyproject.toml.
# hadolint ignore=DL3013
RUN pip install "pip==25.3" && pip install --group app

# The app itself, installed as the package it is (its dependencies came with the group above).
COPY src ./src
COPY README.md ./
# hadolint ignore=DL3013
RUN pip install --no-deps ./

COPY web ./web
COPY templates ./templates
COPY static ./static

RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent app
USER 10001:10001

WORKDIR /app/web
EXPOSE 8000
# Workers: WEB_CONCURRENCY. Nothing is written to disk (compose mounts the root filesystem
# read-only): the heartbeat file lives in memory, and no control socket (the container
# runtime starts and stops the server).
CMD ["gunicorn", "config.wsgi", "--bind=0.0.0.0:8000", "--worker-tmp-dir=/dev/shm", "--no-control-socket", "--access-logfile=-"]
