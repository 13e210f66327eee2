"""Accounts and production settings: throttled logins (site and admin), Chinese password messages,
and a production configuration that `manage.py check --deploy` finds nothing wrong with."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def member(department):
    user = UserFactory(username="wangfang", first_name="王芳")
    MembershipFactory(user=user, department=department)
    return user


@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_twenty_wrong_passwords_then_the_right_one_is_refused(client, member, login):
    url = reverse(login)
    for _ in range(20):
        client.post(url, {"username": "wangfang", "password": "wrong-password"})
    response = client.post(url, {"username": "wangfang", "password": "test-pass-123"})
    assert response.status_code == 429
    content = response.content.decode()
    assert "登录已暂时锁定" in content and "15 分钟后再试" in content
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_few_wrong_passwords_do_not_lock_out(client, member):
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "wangfang", "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "wangfang", "password": "test-pass-123"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3$x", "密码太短，至少需要 8 个字符。"),
        ("password1", "这个密码太常见了。"),
        ("73910462", "密码只包含数字。"),
        ("wangfang2021", "密码跟 用户名 太相似了。"),
    ],
)
def test_password_messages_are_chinese(member, password, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(password, member)
    assert message in caught.value.messages
    assert all(not any("a" <= c.lower() <= "z" for c in text.replace("用户名", "")) for text in caught.value.messages)


def test_import_export_messages_missing_upstream_are_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext(
            "No valid data to import. Ensure your file has the correct headers or data for import."
        ).startswith("文件中没有可导入的数据")
        assert translation.gettext("Select all") == "全选"


def test_the_compiled_messages_match_their_source():
    """The .mo is committed (a fresh clone may lack gettext); it must say what the .po says."""
    import gettext

    folder = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
    catalogue = gettext.GNUTranslations((folder / "django.mo").open("rb"))
    source = (folder / "django.po").read_text(encoding="utf-8")
    for line in source.splitlines():
        if line.startswith(("msgstr ", "msgstr[0] ")) and line.split(" ", 1)[1] != '""':
            assert line.split(" ", 1)[1].strip('"') in set(catalogue._catalog.values()), line


def deploy_check(env: dict, var_dir) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in production mode: DEBUG off, a real-looking key, a host name."""
    env = {
        **env,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "jixiao.example.gov.cn",
        "VAR_DIR": str(var_dir),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "SESSION_", "AXES_")) and key != "DATABASE_URL"
    }
    result = deploy_check(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_would_catch_insecure_cookies(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = deploy_check({**env, "DJANGO_SECURE_COOKIES": "0"}, tmp_path)
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr
