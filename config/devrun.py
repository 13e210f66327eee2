"""`make run`: web server, Celery worker and Celery beat side by side, stopped together.

If any of the three exits, or on Ctrl-C / SIGTERM, the others are asked to stop and, after a grace
period, killed, so no worker or beat is left behind.
"""

import os
import signal
import socket
import subprocess
import sys
import time

GRACE_SECONDS = 10


def commands(host: str, port: str) -> dict[str, list[str]]:
    python = sys.executable
    beat_pidfile = os.path.join(os.environ.get("VAR_DIR", "var"), "celerybeat.pid")
    return {
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [python, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2"],
        # The one beat process (its schedule is in the database, CELERY_BEAT_SCHEDULER); the pidfile
        # makes a second beat started on this machine refuse to run.
        "beat": [python, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO", f"--pidfile={beat_pidfile}"],
    }


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def free_port(host: str, wanted: int, tries: int = 20) -> int:
    """`wanted` if nothing listens there, else the next free port: the address printed is the one served."""
    for port in range(wanted, wanted + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port between {wanted} and {wanted + tries - 1} on {host}.")


def main() -> int:
    host, wanted = (sys.argv[1:3] + ["127.0.0.1", "8000"][len(sys.argv[1:3]) :])[:2]
    port = str(free_port(host, int(wanted)))
    if port != wanted:
        print(f"Port {wanted} is in use; serving on {port} instead.", flush=True)
    print(
        f"Serving http://{host}:{port}/ (log in with the demo accounts above; worker and beat alongside; "
        "Ctrl-C stops all)",
        flush=True,
    )
    processes = {
        name: subprocess.Popen(command, start_new_session=True) for name, command in commands(host, port).items()
    }
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping the others", file=sys.stderr)
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)
    stop(processes)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
