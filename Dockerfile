# S3 Atlas production image: gunicorn serving the bundled snapshot.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOST=0.0.0.0 PORT=8050 WORKERS=2
WORKDIR /app

COPY pyproject.toml constraints.txt README.md DATA_NOTICE.md LICENSE ./
COPY dashboard ./dashboard
# the app, gunicorn and the Redis client (deploy/compose.yaml shares a cache), at the tested versions
RUN pip install --no-cache-dir -c constraints.txt '.[serve,redis]'

COPY app.py gunicorn.conf.py ./
COPY assets ./assets
COPY geodata/snapshot ./geodata/snapshot

RUN useradd --system --uid 1001 atlas
USER atlas
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:server"]
