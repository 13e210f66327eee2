"""Liveness of the pieces a request depends on: the database and the Celery broker.

Anybody (a load balancer, a monitor) learns ok / not ok from the status code and {"status": ...};
only a signed-in superuser sees which check failed and why, since an error's text names hosts and
ports.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy; report its text
        return str(exc)
    return None


def check_broker() -> str | None:
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return None


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "broker": check_broker()}
    ok = all(error is None for error in checks.values())
    body = {"status": "ok" if ok else "error"}
    if request.user.is_authenticated and request.user.is_superuser:
        body["checks"] = {name: ("ok" if error is None else error) for name, error in checks.items()}
    return JsonResponse(body, status=200 if ok else 503)
