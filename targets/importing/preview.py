"""An import preview as people read it: what would be created, changed, removed or refused, with
Chinese field names and numbers as printed, and whether the document names another department
than the one it goes to."""

import copy

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budgets.models import Funding, Project
from budgets.money import plain_number

from ..models import DisclosureImport, Indicator, TargetSheet
from .corrections import FIELDS, counts, source_text, standard_labels
from .plan import name_key

_ACTIONS = {
    "create": _("新增"),
    "update": _("修改"),
    "delete": _("文件中没有"),
    "keep": _("保留（文件中没有）"),
    "conflict": _("冲突"),
}
_KINDS = {"project": _("项目"), "funding": _("资金"), "sheet": _("目标表"), "indicator": _("指标")}
_MODELS = {"project": Project, "funding": Funding, "sheet": TargetSheet, "indicator": Indicator}


def _field(kind: str, name: str):
    model = _MODELS.get(kind)
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _shown(field, value) -> str:
    """A previewed value as people read it (choice labels, 12 rather than 12.000000)."""
    if value in (None, "", "None"):
        return ""
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return plain_number(value)


def preview_rows(report: dict) -> list[dict]:
    """The changes of an import preview as rows people read (Chinese labels, plain numbers)."""
    rows = []
    for change in report.get("changes", []):
        fields = []
        for name, values in change["changes"].items():
            if not (isinstance(values, list) and len(values) == 2):
                continue
            field = _field(change["kind"], name)
            label = str(capfirst(field.verbose_name)) if field is not None else ""
            if label:  # internal keys with no field are summarised by the row's label
                fields.append((label, [_shown(field, values[0]), _shown(field, values[1])]))
        rows.append(
            {
                **change,
                "action_label": _ACTIONS.get(change["action"], change["action"]),
                "kind_label": _KINDS.get(change["kind"], change["kind"]),
                "fields": fields,
            }
        )
    return rows


def department_mismatch(job: DisclosureImport) -> str | None:
    """The unit the document names, when it is not the department the import goes to."""
    detected = (job.preview or {}).get("detected_department") or ""
    if not detected or job.department is None:
        return None
    if name_key(detected) in (name_key(job.department.name), ""):
        return None
    return detected


def readings_context(job: DisclosureImport, *, can_correct: bool, submitted: dict | None = None) -> dict:
    """The preview's indicators per sheet, for the readings table (and its correction form): with the
    values a refused submission held, so the person can fix them rather than type them again."""
    sheets = copy.deepcopy((job.preview or {}).get("readings") or [])
    for sheet in sheets:
        for row in sheet["indicators"]:
            row["source_text"] = source_text(row["original"], row["corrected"])
            values = (submitted or {}).get(row["key"])
            if isinstance(values, dict):
                row["dropped"] = values.get("drop") in (True, "1", "on")
                row["current"] = {name: values.get(name, row["current"][name]) for name in FIELDS}
    return {
        "readings": sheets,
        "reading_counts": counts(sheets),
        "standard_labels": standard_labels(),
        "can_correct": can_correct and job.status == DisclosureImport.Status.PREVIEWED and bool(sheets),
    }
