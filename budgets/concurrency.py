"""Optimistic checks for forms: a row's revision goes up on every write; a save made from a page
that showed an older revision is refused, and the person is shown what changed meanwhile."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaleEdit(ValidationError):
    """Somebody else saved `instance` after the page was loaded. `instance` is the current state."""

    def __init__(self, instance, message: str | None = None):
        self.instance = instance
        super().__init__(message or _("“%(name)s”已被其他人修改，请核对最新内容后再保存。") % {"name": instance})


def check_revision(instance, expected: int | None) -> None:
    """Refuse the write when the page's revision is not the stored one; `None` skips the check
    (a command or an import, which read the current state themselves)."""
    if expected is not None and int(expected) != instance.revision:
        raise StaleEdit(instance)


def bump(instance) -> None:
    instance.revision = (instance.revision or 0) + 1
