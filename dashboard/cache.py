"""Server-side cache of computed views, shared by all workers when Redis is configured.

Keys are (snapshot version, canonical view query): the same view gives the same answer on any
worker or machine, so a cached value is always right for its key.
"""
from __future__ import annotations

from flask import Flask
from flask_caching import Cache

from .settings import Settings

cache = Cache()


class CacheConfigError(RuntimeError):
    """The configured cache cannot be used (the server does not start)."""


def cache_config(settings: Settings) -> dict:
    if not settings.cache:
        return {"CACHE_TYPE": "NullCache"}
    if settings.redis_url:
        try:
            import redis  # noqa: F401 (an optional part: pip install 's3-atlas[redis]')
        except ImportError:
            raise CacheConfigError(
                "S3_REDIS_URL is set but the Redis client (the optional 'redis' part) is not installed: "
                "install it (pip install 's3-atlas[redis]'; `make serve` does) or leave S3_REDIS_URL empty "
                "for a cache in each worker.") from None
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url,
                "CACHE_DEFAULT_TIMEOUT": 24 * 3600, "CACHE_KEY_PREFIX": "s3atlas:"}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 2000}


def init_cache(server: Flask, settings: Settings) -> None:
    cache.init_app(server, config=cache_config(settings))
