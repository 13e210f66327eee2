import pytest


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_fails_when_the_broker_is_unreachable(client, db, settings):
    # Port 9 (discard) has no Redis: the check must report it rather than hang or pass.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_root_leads_to_the_admin(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
