"""Stored values as people read them: a field's value (choice labels, numbers as written, 是/否,
dates, related objects by name), the changes of a record old → new under Chinese field names, and
the JSON kept with imports and tables turned into sentences and lists.

Users never see internal names, codes or JSON; every admin page that shows such data goes through
this module."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.admin import display
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .audit import actor_name, sentence_keys
from .money import plain_number

EMPTY = "（空）"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def readable_value(field: models.Field, value, *, related: Mapping | None = None, display=None) -> str:
    """`value` of `field` as text for people. `related` maps (related model, pk) to a name for foreign
    keys. `display` overrides the field's own rendering: a mapping of codes to labels (for codes kept
    outside the field's choices: JSON lists of reasons, a measure kept as text) or a function (a
    fraction shown as a percentage)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if callable(display):
        return display(value)
    if display is not None:
        items = value if isinstance(value, list) else [value]
        return "、".join(str(display.get(item, item)) for item in items)
    if field.is_relation and field.many_to_one:
        name = (related or {}).get((field.related_model, value))
        return str(name) if name is not None else _("（已删除的记录）")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(value), "Y-m-d H:i:s")
    if isinstance(field, models.DateField):
        return date_format(value, "Y-m-d")
    if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField):
        return plain_number(value)
    if isinstance(field, models.JSONField):
        return json_text(value)
    return str(value)


def number_column(name: str, description, *, ordering: bool = True):
    """An admin column (or read-only field) showing a stored number as people write it (12, not
    12.000000)."""

    def column(modeladmin, obj):
        return plain_number(getattr(obj, name)) or modeladmin.get_empty_value_display()

    column.__name__ = f"{name}_plain"
    return display(description=description, ordering=name if ordering else None)(column)


def json_text(value) -> str:
    """A JSON value without brackets or quotes: lists joined with 、, mappings as 键：值."""
    if isinstance(value, list):
        return "、".join(json_text(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}：{json_text(item)}" for key, item in value.items())
    return plain_number(value) if value is not None else EMPTY


def tracked_fields(model, *, hidden: Iterable[str] = ()) -> list[models.Field]:
    """The fields of `model` a person may want to compare: not the key, not timestamps the database
    sets itself, not bookkeeping such as revision counters (`hidden`)."""
    hidden = set(hidden)
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in hidden or isinstance(field, models.GeneratedField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        fields.append(field)
    return fields


def values_of(instance, fields: Iterable[models.Field]) -> dict:
    """{field name: stored value} of a model instance or a historical record (foreign keys as ids)."""
    return {field.name: getattr(instance, field.attname) for field in fields}


def related_names(fields: Iterable[models.Field], rows: Iterable[Mapping]) -> dict:
    """{(related model, pk): name} for every foreign key value in `rows`, one query per related model."""
    wanted: dict = {}
    rows = list(rows)
    for field in fields:
        if field.is_relation and field.many_to_one:
            ids = {row.get(field.name) for row in rows} - {None}
            if ids:
                wanted.setdefault(field.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        for pk, obj in model._default_manager.in_bulk(ids).items():
            names[(model, pk)] = actor_name(obj) if model is get_user_model() else str(obj)
    return names


def changes_between(
    fields: Iterable[models.Field],
    old: Mapping | None,
    new: Mapping,
    *,
    related: Mapping | None = None,
    displays: Mapping | None = None,
) -> list[Change]:
    """The fields whose value differs between `old` and `new` ({name: value}), as Change rows; with
    `old` None (a creation), the fields that have a value. `displays` maps a field name to its
    `display` (see readable_value)."""
    rows = []
    for field in fields:
        after = new.get(field.name)
        before = None if old is None else old.get(field.name)
        if old is not None and before == after:
            continue
        if old is None and after in (None, "", [], False):
            continue
        display = (displays or {}).get(field.name)
        rows.append(
            Change(
                label=str(capfirst(field.verbose_name)),
                old=readable_value(field, before, related=related, display=display) if old is not None else "",
                new=readable_value(field, after, related=related, display=display),
            )
        )
    return rows


def audit_changes(entry) -> list[Change]:
    """The `changes` of an audit entry that name fields of its subject, old → new under the fields'
    names; other keys (a reason, counts) are already part of the entry's sentence."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    in_sentence = sentence_keys(entry.action)
    rows = []
    for key, value in (entry.changes or {}).items():
        if model is None or key in in_sentence or not (isinstance(value, list) and len(value) == 2):
            continue
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if field.is_relation:
            continue
        old, new = (_from_text(field, item) for item in value)
        rows.append(Change(str(capfirst(field.verbose_name)), readable_value(field, old), readable_value(field, new)))
    return rows


def _from_text(field, value):
    """Audit entries keep values as JSON text ("2021-08-31", "15.0000", "None")."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, str) and not isinstance(field, models.CharField | models.TextField):
        try:
            return field.to_python(value)
        except ValidationError:
            return value
    return value


_REPORT_KINDS = {
    "budget_tables": _("预算表"),
    "projects": _("项目"),
    "department_sheets": _("部门整体目标表"),
    "indicators": _("指标"),
    "project": _("项目"),
    "funding": _("资金"),
    "sheet": _("目标表"),
    "indicator": _("指标"),
    "budget_lines": _("预算表行"),
}
_REPORT_ACTIONS = {"create": _("新增"), "update": _("修改"), "delete": _("删除"), "conflict": _("冲突")}
_COUNT_ACTIONS = {"created": "create", "updated": "update", "deleted": "delete"}


def _ordered(mapping, order=_REPORT_KINDS) -> list:
    """Items in the order people expect (the database may keep JSON keys in another order)."""
    known = list(order)
    items = (mapping or {}).items() if isinstance(mapping, Mapping) else []
    return sorted(items, key=lambda item: (known.index(item[0]) if item[0] in known else len(known), str(item[0])))


@dataclass(frozen=True)
class ReportSummary:
    found: str
    written: str
    errors: list
    warnings: list
    skipped: list
    conflicts: list


def import_report_summary(report: Mapping) -> ReportSummary:
    """The parse report kept with a source document, as sentences and lists (never its JSON)."""
    report = report or {}
    found = "，".join(
        f"{_REPORT_KINDS.get(kind, kind)} {plain_number(count)}" for kind, count in _ordered(report.get("found"))
    )
    written = []
    for kind, actions in _ordered(report.get("summary")):
        parts = "、".join(
            f"{_REPORT_ACTIONS.get(a, a)} {plain_number(n)}" for a, n in _ordered(actions, _REPORT_ACTIONS)
        )
        written.append(f"{_REPORT_KINDS.get(kind, kind)}：{parts}")
    for key, count in _ordered(report.get("counts")):
        stem, _sep, verb = key.rpartition("_")
        if verb in _COUNT_ACTIONS:  # "indicators_created": told by the summary when there is one
            kind = stem.removesuffix("s")
            if not report.get("summary") and kind in _REPORT_KINDS:
                written.append(f"{_REPORT_KINDS[kind]}：{_REPORT_ACTIONS[_COUNT_ACTIONS[verb]]} {plain_number(count)}")
        elif key == "conflicts":
            if count:
                written.append(f"{_REPORT_ACTIONS['conflict']}：{plain_number(count)}")
        elif key in _REPORT_KINDS:  # keys the report may grow are left out rather than shown raw
            written.append(f"{_REPORT_KINDS[key]}：{plain_number(count)}")
    conflicts = [
        f"{item.get('label', '')}：{(item.get('changes') or {}).get('message', '')}"
        for item in report.get("conflicts") or []
        if isinstance(item, Mapping)
    ]
    return ReportSummary(
        found=found,
        written="；".join(written),
        errors=[str(e) for e in report.get("errors") or []],
        warnings=[str(w) for w in report.get("warnings") or []],
        skipped=[str(s) for s in report.get("skipped") or []],
        conflicts=conflicts,
    )


def column_headings(columns) -> list[str]:
    """A budget table's column headings (kept as JSON, possibly nested header rows) as a flat list."""
    if not columns:
        return []
    headings = []
    for column in columns if isinstance(columns, list) else [columns]:
        if isinstance(column, list):
            headings.append(" / ".join(str(part) for part in column if part not in (None, "")))
        elif isinstance(column, Mapping):
            headings.append(str(column.get("label") or column.get("title") or json_text(column)))
        else:
            headings.append(str(column))
    return [heading for heading in headings if heading]
