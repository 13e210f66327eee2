import pytest

DEAD_BROKER = "redis://127.0.0.1:9/0"  # port 9 (discard) has no Redis


def test_healthz_tells_anybody_only_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_superuser_sees_each_check(client, superuser):
    client.force_login(superuser)
    assert client.get("/healthz").json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.parametrize("who", [None, "staff", "outsider"])
def test_a_down_broker_is_not_ok_without_saying_where_it_is(client, db, settings, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    settings.CELERY_BROKER_URL = DEAD_BROKER
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    assert b"127.0.0.1" not in response.content and b":9" not in response.content


def test_a_superuser_learns_which_check_failed(client, superuser, settings):
    settings.CELERY_BROKER_URL = DEAD_BROKER
    client.force_login(superuser)
    body = client.get("/healthz").json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_root_leads_to_the_admin(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
