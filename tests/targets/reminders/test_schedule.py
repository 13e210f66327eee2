"""Beat runs the daily jobs from the database (set up by the migration, editable in the admin),
`make run` starts exactly one beat, the worker knows the tasks, and the command twin prints who
would get what."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from config import devrun
from config.celery import app
from targets.reminders.models import ReminderDigest
from tests.factories import UserFactory
from tests.targets.conftest import working_day

from .conftest import DUE


def test_the_migration_schedules_both_daily_jobs(db):
    tasks = {task.name: task for task in PeriodicTask.objects.select_related("crontab")}
    reminders, periods = tasks["每日发送填报提醒"], tasks["每日开启填报期"]
    assert (reminders.task, reminders.enabled) == ("targets.send_due_reminders", True)
    assert (periods.task, periods.enabled) == ("targets.open_reporting_periods", True)
    assert (reminders.crontab.hour, reminders.crontab.minute, str(reminders.crontab.timezone)) == (
        "8",
        "0",
        "Asia/Shanghai",
    )
    assert (periods.crontab.hour, periods.crontab.minute) == ("5", "30")  # before the reminders


def test_beat_reads_the_schedule_from_the_database(db, monkeypatch, time_machine):
    # The scheduler closes stale connections between reads; here that would be the test's own.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    time_machine.move_to(working_day(DUE).replace(hour=7))  # it loads the jobs due within two hours
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    assert settings.CELERY_BEAT_SCHEDULE == {}  # entries there would overwrite the admin's edits at each start
    schedule = DatabaseScheduler(app=app).all_as_schedule()
    assert {"每日发送填报提醒", "每日开启填报期"} <= set(schedule)
    PeriodicTask.objects.filter(name="每日发送填报提醒").update(enabled=False)
    assert "每日发送填报提醒" not in DatabaseScheduler(app=app).all_as_schedule()


def test_the_worker_knows_every_scheduled_task():
    app.loader.import_default_modules()
    assert {"targets.send_due_reminders", "targets.send_reminder_email", "targets.open_reporting_periods"} <= set(
        app.tasks
    )
    assert app.tasks["targets.send_reminder_email"].acks_late and app.tasks["targets.send_due_reminders"].acks_late


def test_make_run_starts_exactly_one_beat():
    commands = devrun.commands("127.0.0.1", "8000")
    beats = [name for name, command in commands.items() if "beat" in command]
    assert beats == ["beat"]
    assert not any(flag in commands["worker"] for flag in ("-B", "--beat"))
    assert any(part.startswith("--pidfile=") for part in commands["beat"])


def test_the_schedule_is_edited_in_the_admin(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    task = PeriodicTask.objects.get(name="每日发送填报提醒")
    response = client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    assert response.status_code == 200 and "每日发送填报提醒" in response.content.decode()


def test_the_dry_run_prints_who_would_get_what_and_sends_nothing(make_unit, time_machine):
    make_unit("IT1", "信息一科")
    make_unit("IT2", "信息二科", email=False)
    day = DUE - datetime.timedelta(days=7)
    time_machine.move_to(working_day(day))
    out = StringIO()
    call_command("send_due_reminders", "--dry-run", "--today", day.isoformat(), stdout=out)
    text = out.getvalue()
    assert "→ staff-it1（it1@example.cn）· 截止前提醒：【填报提醒】您有 1 张目标表即将截止填报" in text
    assert "→ staff-it2（无邮箱，仅站内通知）" in text
    assert "尚未填报（2 项）：巡检数量、系统可用率" in text and "截止 2022-03-31，还剩 7 天" in text
    assert "2022-03-24：共 2 份提醒（演练，未生成、未发送）。" in text
    assert not ReminderDigest.objects.exists()
    out = StringIO()
    call_command("send_due_reminders", "--today", day.isoformat(), stdout=out)
    assert "新生成 2 份提醒，1 封邮件已交给发送队列" in out.getvalue()
    out = StringIO()
    call_command("send_due_reminders", "--dry-run", "--today", "2022-03-25", stdout=out)
    assert out.getvalue().strip() == "2022-03-25：没有需要提醒的人。"
    with pytest.raises(CommandError, match="格式不对"):
        call_command("send_due_reminders", "--today", "2022/03/24")
