"""Field-level history (django-simple-history): who made the change and why, set by the service
that saves, so commands and Celery tasks record the same as web requests."""

from django.db import models


def stamp(instance: models.Model, *, actor, reason: str = "") -> models.Model:
    """Mark the next save of `instance` with its author and reason in the historical record."""
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    instance._change_reason = (reason or "").strip()
    return instance
