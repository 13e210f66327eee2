"""The daily job through the real broker (Redis) and real worker processes on the test database
(PostgreSQL): two workers running it at once send nobody anything twice, and a worker killed in the
middle of sending an e-mail leaves, after a restart, every reminder sent exactly once.

In CI these fail, never skip, when PostgreSQL or Redis are missing; elsewhere (SQLite's test
database lives in memory, out of the workers' reach) they skip."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from budgets.models import Membership
from config.celery import app
from targets.reminders.models import ReminderDelivery, ReminderDigest
from targets.reminders.selectors import reminder_plan
from targets.reminders.services import reminder_digests_create
from targets.reminders.tasks import send_due_reminders
from tests.conftest import running_in_ci
from tests.factories import MembershipFactory, UserFactory
from tests.targets.conftest import working_day

from .conftest import DUE
from .mail_backends import sent_message_ids

ROOT = Path(__file__).resolve().parents[3]
DAY = DUE.replace(month=4, day=1)  # the day after the deadline: overdue reminders and escalations
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def real_services():
    problems = []
    if connection.vendor != "postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        problems.append("CELERY_BROKER_URL must point at Redis")
    if problems:
        if running_in_ci():
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))


@pytest.fixture
def late_departments(make_unit, supervisor, time_machine):
    """`count` departments late on DAY, each with two staff members; the supervisor has an address."""

    def make(count: int) -> int:
        supervisor.email = "supervisor@example.cn"
        supervisor.save(update_fields=["email"])
        for index in range(count):
            unit = make_unit(f"L{index:02d}", f"逾期单位{index:02d}")
            colleague = UserFactory(username=f"colleague-{index:02d}", email=f"c{index:02d}@example.cn")
            MembershipFactory(user=colleague, department=unit.department, role=Membership.Role.STAFF)
        time_machine.move_to(working_day(DAY))
        return len(reminder_plan(DAY))

    return make


class Workers:
    """Celery worker processes on their own queue, pointed at the test database."""

    def __init__(self, mail_dir: Path, **env):
        self.queue = f"reminders-{uuid.uuid4().hex[:8]}"
        self.mail_dir = mail_dir
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{address}/{db['NAME']}",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_BACKEND": "tests.targets.reminders.mail_backends.StallingFileBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            **env,
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> str:
        node = f"{self.queue}-{name}@{socket.gethostname()}"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1"]
        command += ["--without-gossip", "--without-mingle", "--loglevel=WARNING", "-Q", self.queue, "-n", node]
        log = open(self.mail_dir.parent / f"{name}.log", "w")
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                pytest.fail(f"worker {name} exited: {(self.mail_dir.parent / f'{name}.log').read_text()[-2000:]}")
            if app.control.ping(destination=[node], timeout=1):
                return node
        pytest.fail(f"worker {name} did not start")

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        self._forget_queue()

    def _forget_queue(self) -> None:
        """Remove this queue's messages from Redis, including a killed worker's unacknowledged one."""
        import json

        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        client.delete(self.queue)
        for tag, payload in client.hgetall("unacked").items():
            if json.loads(payload)[2] == self.queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)

    def run_job(self, day=DAY, times: int = 1) -> list[dict]:
        results = [send_due_reminders.apply_async(args=[day.isoformat()], queue=self.queue) for _ in range(times)]
        return [result.get(timeout=120) for result in results]


@pytest.fixture
def workers(tmp_path):
    started = []

    def make(**env) -> Workers:
        mail_dir = tmp_path / "mail"
        mail_dir.mkdir(exist_ok=True)
        group = Workers(mail_dir, **env)
        started.append(group)
        return group

    yield make
    for group in started:
        group.stop()


def wait_until_sent(expected: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ReminderDelivery.objects.filter(channel="email", status="sent").count() >= expected:
            return
        time.sleep(0.5)
    statuses = list(ReminderDelivery.objects.filter(channel="email").values_list("status", "error"))
    pytest.fail(f"not every e-mail was sent: {statuses}")


def assert_each_digest_mailed_once(mail_dir: Path, expected: int) -> None:
    digests = list(ReminderDigest.objects.all())
    assert len(digests) == expected
    assert len({(d.recipient_id, d.day, d.kind) for d in digests}) == expected
    sent = sent_message_ids(mail_dir)
    wanted = sorted(f"<reminder-{d.pk}-{d.day:%Y%m%d}@127.0.0.1>" for d in digests)
    assert sorted(sent) == wanted  # every digest's message once, and nothing else


def test_two_workers_running_the_job_at_once_send_nothing_twice(late_departments, workers):
    expected = late_departments(10)  # 20 staff reminders and the supervisor's escalation
    assert expected == 21
    group = workers()
    nodes = [group.start("one"), group.start("two")]
    results = group.run_job(times=6)
    assert sum(result["digests"] for result in results) == expected
    stats = app.control.inspect(destination=nodes, timeout=5).stats()
    ran = {node: stats[node]["total"].get("targets.send_due_reminders", 0) for node in nodes}
    assert all(ran.values()) and sum(ran.values()) == 6, ran  # both processes ran the job
    wait_until_sent(expected)
    time.sleep(2)  # any duplicate e-mail task still in flight would land now
    assert_each_digest_mailed_once(group.mail_dir, expected)
    assert set(ReminderDelivery.objects.filter(channel="email").values_list("status", "attempts")) == {("sent", 1)}


def test_a_worker_killed_mid_send_leaves_every_reminder_sent_exactly_once(late_departments, workers, tmp_path):
    expected = late_departments(3)
    stall = tmp_path / "stall-once"
    stall.touch()
    lease = 3
    group = workers(
        REMINDER_TEST_STALL=str(stall), REMINDER_EMAIL_LEASE_SECONDS=str(lease), CELERY_VISIBILITY_TIMEOUT="5"
    )
    group.start("first")
    assert group.run_job() == [{"day": DAY.isoformat(), "digests": expected, "emails_queued": expected}]
    deadline = time.monotonic() + 60
    while not (group.mail_dir / "stalled").exists():
        assert time.monotonic() < deadline, "no e-mail send started"
        time.sleep(0.2)
    group.kill("first")  # in the middle of the SMTP dialogue of one e-mail
    stalled = ReminderDelivery.objects.get(status="sending")
    assert stalled.attempts == 1 and not sent_message_ids(group.mail_dir)

    time.sleep(6)  # the broker hands the killed worker's task out again; its claim has run out
    group.start("restarted")
    wait_until_sent(expected)
    assert group.run_job() == [{"day": DAY.isoformat(), "digests": 0, "emails_queued": 0}]  # nothing new
    time.sleep(2)
    assert_each_digest_mailed_once(group.mail_dir, expected)
    stalled.refresh_from_db()
    assert (stalled.status, stalled.attempts) == ("sent", 2)


def test_two_transactions_computing_the_same_plan_insert_each_digest_once(late_departments):
    """Without workers: two connections race on the unique index; the second waits for the first to
    commit and then inserts nothing."""
    late_departments(2)
    plan = reminder_plan(DAY)
    inside, results = threading.Barrier(2), {}

    def run(name: str, hold: float) -> None:
        try:
            with transaction.atomic():
                inside.wait(timeout=10)
                if name == "second":
                    time.sleep(0.3)  # the first has inserted and holds its transaction open
                results[name] = reminder_digests_create(day=DAY, plan=plan)
                time.sleep(hold)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=("first", 1.5)), threading.Thread(target=run, args=("second", 0))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(result["digests"] for result in results.values()) == [0, len(plan)]
    assert ReminderDigest.objects.count() == len(plan)
