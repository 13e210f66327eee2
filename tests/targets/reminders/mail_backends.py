"""E-mail backends for the reminder tests (also loaded by the worker processes they start)."""

import os
import smtplib
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"mailbox unavailable") for m in email_messages})


class StallingFileBackend(BaseEmailBackend):
    """Writes each message to its own file in EMAIL_FILE_PATH once "the server has accepted it".

    While the file named by REMINDER_TEST_STALL exists, the first send that manages to remove it
    announces itself in `<dir>/stalled` and then hangs (a slow SMTP dialogue), so a test can kill
    the worker in the middle of that send."""

    def send_messages(self, email_messages):
        folder = Path(os.environ["EMAIL_FILE_PATH"])
        stall = os.environ.get("REMINDER_TEST_STALL")
        for message in email_messages:
            if stall:
                try:
                    os.remove(stall)
                except FileNotFoundError:
                    pass
                else:
                    (folder / "stalled").write_text(message.extra_headers["Message-ID"])
                    time.sleep(600)
            tmp = folder / f".{uuid.uuid4().hex}.tmp"
            tmp.write_bytes(message.message().as_bytes())
            tmp.rename(folder / f"{uuid.uuid4().hex}.eml")
        return len(email_messages)


def sent_message_ids(folder: Path) -> list[str]:
    """The Message-ID of every message the StallingFileBackend delivered into `folder`."""
    from email import message_from_bytes

    return [message_from_bytes(path.read_bytes())["Message-ID"] for path in sorted(folder.glob("*.eml"))]
