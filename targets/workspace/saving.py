"""What the entry pages share when saving: all or nothing, errors per form, and instead of silently
overwriting somebody else's change, a message saying who changed what."""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.audit import actor_name
from budgets.concurrency import StaleEdit


class Rollback(Exception):
    """Raised inside the page transaction when anything failed: nothing of the page is kept."""


@dataclass
class SaveOutcome:
    saved: int = 0
    errors: dict = field(default_factory=dict)  # form prefix → [messages]
    conflicts: dict = field(default_factory=dict)  # form prefix → message
    page_errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.errors or self.conflicts or self.page_errors)

    def form_errors(self, form) -> bool:
        """Record a form's own validation errors; True when it had any."""
        if form.is_valid():
            return False
        self.errors[form.prefix] = [error for errors in form.errors.values() for error in errors]
        return True

    def attempt(self, key: str, action, *, on_stale=None) -> None:
        """Run one service call in its own savepoint, recording its refusal or a conflict."""
        try:
            with transaction.atomic():
                action()
            self.saved += 1
        except StaleEdit as exc:
            current = exc.instance
            current.refresh_from_db()
            self.conflicts[key] = on_stale(current) if on_stale else str(exc.message)
        except (ValidationError, PermissionDenied) as exc:
            self.errors[key] = messages_of(exc)


@contextmanager
def all_or_nothing(outcome: SaveOutcome):
    """Everything inside is one transaction, rolled back unless the outcome is clean."""
    try:
        with transaction.atomic():
            yield outcome
            if not outcome.ok:
                raise Rollback
    except Rollback:
        outcome.saved = 0


def messages_of(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]


def conflict_message(row, name: str, label: str, value: str) -> str:
    """Who changed `row` last, when, and to what."""
    latest = row.history.select_related("history_user").first()
    who = actor_name(latest.history_user) if latest else _("其他人")
    when = f"{latest.history_date:%m-%d %H:%M}" if latest else ""
    return _("“%(n)s”已被 %(who)s 于 %(when)s 修改（%(label)s：%(value)s）。您的输入尚未保存，请核对后再保存。") % {
        "n": name,
        "who": who,
        "when": when,
        "label": label,
        "value": value or _("（空）"),
    }
