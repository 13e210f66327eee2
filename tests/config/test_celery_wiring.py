"""A real task through the configured broker (Redis in CI, the filesystem broker otherwise) to a real
worker process started here, and its result back through the result backend."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_queue():
    queue = f"wiring-{uuid.uuid4().hex[:8]}"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield queue
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.services
def test_task_round_trip_through_a_real_worker(worker_queue):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    result = ping.apply_async(queue=worker_queue)
    assert result.get(timeout=60) == "pong"
    assert result.successful()


@pytest.mark.services
def test_the_broker_writes_nothing_into_the_checkout(worker_queue):
    ping.apply_async(queue=worker_queue).get(timeout=60)
    assert not (ROOT / "control").exists()
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        assert (settings.CELERY_FILESYSTEM_DIR / "control" / f"{worker_queue}.exchange").exists()


def test_queueing_gives_up_quickly_when_the_broker_does_not_answer():
    from config.celery import app

    assert app.conf.broker_connection_timeout <= 3
    policy = app.conf.task_publish_retry_policy
    assert not app.conf.task_publish_retry or policy["max_retries"] <= 1
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        options = app.conf.broker_transport_options
        assert options["socket_connect_timeout"] <= 3 and options["socket_timeout"] <= 5
        assert app.conf.redis_socket_connect_timeout <= 3
