# Benxi Gazette (本溪市人民政府公报): one image for web, worker and beat.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# Fonts and Pango for WeasyPrint's PDFs; curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/gazette gazette

WORKDIR /app
COPY . .
RUN pip install . \
    && DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R gazette:gazette /app/var

USER gazette
EXPOSE 8000
CMD ["gunicorn", "benxi_gazette.wsgi", "-b", "0.0.0.0:8000", "-w", "3", "--access-logfile", "-"]
