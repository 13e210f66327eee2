"""The audit trail every service writes to, inside its own transaction, and how its entries read.

Each action has a Chinese sentence (registered per app with `register_events`), so people read
"王芳 退回了绩效自评，原因：指标口径不一致", never an action code or JSON.
"""

from string import Formatter

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry
from .money import plain_number

_SENTENCES: dict[str, str] = {}


def register_events(sentences: dict) -> None:
    """Add {action: sentence} pairs; a sentence may name keys of the entry's `changes`, e.g. {reason}."""
    _SENTENCES.update(sentences)


def audit_record(*, actor, action: str, subject: models.Model, changes: dict | None = None) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        object_id=str(subject.pk),
        object_repr=str(subject)[:300],
        changes=changes or {},
    )


def diff_fields(instance: models.Model, data: dict) -> dict:
    """The subset of `data` that differs from `instance`, as {field: [old, new]} in JSON-safe text."""
    changes = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def sentence_keys(action: str) -> set[str]:
    """The keys of `changes` that the action's sentence already tells."""
    template = _SENTENCES.get(action)
    if template is None:
        return set()
    return {name for _text, name, _spec, _conv in Formatter().parse(str(template)) if name}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def event_sentence(entry: AuditEntry) -> str:
    """What happened, as a Chinese sentence without the actor: "退回了绩效自评，原因：……"."""
    template = _SENTENCES.get(entry.action)
    if template is None:
        return _("修改了%(object)s") % {"object": entry.object_repr}
    values = _Blank(object=entry.object_repr)
    for name in sentence_keys(entry.action) - {"object"}:
        value = (entry.changes or {}).get(name, "")
        if isinstance(value, list) and len(value) == 2:
            old = plain_number(value[0]) if value[0] not in (None, "", "None") else _("（空）")
            value = _("%(old)s → %(new)s") % {"old": old, "new": plain_number(value[1])}
        elif isinstance(value, list):
            value = "、".join(str(item) for item in value)
        values[name] = plain_number(value) if value not in (None, "None") else ""
    return str(template).format_map(values)


def actor_name(user) -> str:
    if user is None:
        return str(gettext_lazy("系统"))
    return user.get_full_name() or user.username


register_events(
    {
        "department.create": gettext_lazy("新建了部门“{object}”"),
        "department.update": gettext_lazy("修改了部门“{object}”"),
        "membership.grant": gettext_lazy("授予了部门成员身份：{object}"),
        "membership.change": gettext_lazy("调整了部门成员角色：{object}"),
        "membership.revoke": gettext_lazy("取消了部门成员身份：{object}"),
        "project.create": gettext_lazy("新建了项目“{object}”"),
        "project.update": gettext_lazy("修改了项目“{object}”的信息"),
        "funding.create": gettext_lazy("录入了{object}的资金"),
        "funding.update": gettext_lazy("修改了{object}的资金"),
        "funding.delete": gettext_lazy("删除了{object}的资金"),
        "execution.create": gettext_lazy("录入了{object}的支出 {spent} 万元"),
        "execution.update": gettext_lazy("修改了{object}的支出"),
        "execution.move": gettext_lazy("把支出记录改到了{object}"),
        "budget.adjust": gettext_lazy("调整了{object}的全年预算，原因：{reason}"),
        "budget_tables.replace": gettext_lazy("导入了预算表"),
        "user.create_demo": gettext_lazy("创建了演示账号 {object}"),
    }
)
