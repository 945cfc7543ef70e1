# The bot in a container. Default command: `dvcbot run` (Telegram/Zalo when their tokens are
# set, otherwise the terminal chat: run with `docker run -it`). State lives in /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/dvcbot.db

WORKDIR /app
# Dependencies first, pinned and hash-checked from the lock file (a layer that rarely changes).
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY intents ./intents
COPY procedures ./procedures
# Translations are compiled before the install so the .mo files ship inside the package.
RUN pybabel compile --domain messages --directory bot/locales \
    && pip install --no-cache-dir --no-deps --no-build-isolation . \
    && useradd --create-home dvcbot && mkdir -p /data && chown dvcbot /data

USER dvcbot
VOLUME ["/data"]
CMD ["dvcbot", "run"]
