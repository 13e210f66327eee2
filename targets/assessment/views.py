"""The entry page of a self-evaluation: one row per indicator with its target as printed, the actual
(parsed on save and shown back as understood), the score and its explanation, the budget block, the
return notes, and what is still missing before submission. Save a draft at any time; submit when
complete."""

from urllib.parse import quote

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from budgets.money import plain_number
from budgets.selectors import user_can_see_department

from ..periods.selectors import entry_deadline
from ..review.rules import editing_refusal, returned_indicator_ids, row_refusals
from ..scoring import Comparator, round_score
from ..workspace.downloads import SAFE_TYPES, attachment_response
from ..workspace.views import MemberRequiredMixin
from .entry import save_evaluation_page, store_evidence, submit
from .evidence import evidence_remove
from .explanation import result_explanation
from .forms import BudgetForm, ResultRowForm, WorkbookUploadForm
from .selectors import evaluation_rows, evaluations_for, evidence_for, open_return_notes
from .services import evaluation_budget_refresh, evaluation_problems, evaluation_rows_import
from .workbook import MAX_BYTES as MAX_WORKBOOK
from .workbook import evaluation_workbook, read_evaluation_workbook

JUDGED = {Comparator.QUALITATIVE, Comparator.RANGE}
NEEDS_EXPLANATION = {"not_met", "over_achieved"}
BAND_SHORT = {"achieved": "达成", "partial": "部分达成", "not_achieved": "未达成"}


def understood(row) -> str:
    """How the actual was read: "≥ 98 %" style, for the person to check."""
    if not row.actual_text or row.actual_number is None:
        return ""
    symbol = {"GE": "≥", "GT": ">", "LE": "≤", "LT": "<"}.get(row.actual_comparator, "")
    number = plain_number(row.actual_number)
    return " ".join(part for part in (_("识别为："), symbol, number, row.actual_unit or _("（无单位）")) if part)


class EvaluationEntryView(MemberRequiredMixin, TemplateView):
    template_name = "targets/assessment/entry.html"

    def evaluation(self):
        return get_object_or_404(evaluations_for(self.request.user), pk=self.kwargs["pk"])

    def forms(self, evaluation, rows, data=None, files=None):
        row_forms = {
            row.pk: ResultRowForm(data, files, prefix=f"r{row.pk}", initial=ResultRowForm.initial_for(row))
            for row in rows
        }
        budget = BudgetForm(data, prefix="budget", initial=BudgetForm.initial_for(evaluation))
        return row_forms, budget

    def get(self, request, *args, **kwargs):
        evaluation = self.evaluation()
        rows = evaluation_rows(evaluation)
        row_forms, budget = self.forms(evaluation, rows)
        return self.render_to_response(self.page(evaluation, rows, row_forms, budget))

    def post(self, request, *args, **kwargs):
        evaluation = self.evaluation()
        if not user_can_see_department(request.user, evaluation.sheet.department):
            raise PermissionDenied
        rows = evaluation_rows(evaluation)
        row_forms, budget = self.forms(evaluation, rows, request.POST, request.FILES)
        editable_budget = editing_refusal(evaluation) is None and evaluation.sheet.project_id
        refusals = row_refusals(evaluation, [row.indicator_id for row in rows])
        outcome = save_evaluation_page(
            evaluation=evaluation,
            rows=[row for row in rows if refusals[row.indicator_id] is None],
            row_forms=row_forms,
            budget_form=budget if editable_budget else None,
            actor=request.user,
        )
        if not outcome.ok:
            messages.error(request, _("未保存：请按标出的提示修改后再保存。"))
            context = self.page(evaluation, rows, row_forms, budget, outcome=outcome)
            return self.render_to_response(context, status=200)
        for problem in store_evidence(items=rows, forms=row_forms, actor=request.user, key="result"):
            messages.warning(request, problem)
        if outcome.saved:
            messages.success(request, _("已保存 %(n)d 项。") % {"n": outcome.saved})
        if "refresh_budget" in request.POST:
            try:
                evaluation_budget_refresh(evaluation=evaluation, actor=request.user)
                messages.success(request, _("已按预算执行记录更新全年预算数和执行数。"))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        if "submit" in request.POST:
            evaluation.refresh_from_db()
            problems = submit(evaluation, request.user)
            if problems:
                messages.error(request, _("还不能提交：") + "；".join(problems))
            else:
                messages.success(request, _("已提交审核。"))
        return redirect("assessment:entry", pk=evaluation.pk)

    def page(self, evaluation, rows, row_forms, budget, outcome=None):
        rules = evaluation.profile.as_rules()
        returned = returned_indicator_ids(evaluation)
        notes = open_return_notes(evaluation)
        refusals = row_refusals(evaluation, [row.indicator_id for row in rows])
        count = len(rows)
        for index, row in enumerate(rows, start=1):
            form = row_forms[row.pk]
            row.form = form
            row.explanation = result_explanation(row, rules)
            row.understood = understood(row)
            row.refusal = refusals[row.indicator_id]
            row.notes = [note for note in notes if note.indicator_id == row.indicator_id]
            row.returned = returned is not None and row.indicator_id in returned
            row.judged = row.indicator.comparator in JUDGED or row.flag in {"needs_judgement", "judged"}
            row.band_hint = _band_hint(row, rules)
            row.needs_explanation = row.flag in NEEDS_EXPLANATION
            row.tab = {"actual": index, "other": count + index}
            row.errors = (outcome.errors.get(form.prefix) if outcome else None) or []
            row.conflict = outcome.conflicts.get(form.prefix) if outcome else None
        budget.errors_list = (outcome.errors.get("budget") if outcome else None) or []
        budget.conflict = outcome.conflicts.get("budget") if outcome else None
        refusal = editing_refusal(evaluation)
        return {
            "evaluation": evaluation,
            "sheet": evaluation.sheet,
            "rows": rows,
            "budget": budget,
            "budget_editable": refusal is None and bool(evaluation.sheet.project_id),
            "any_editable": any(row.refusal is None for row in rows) or refusal is None,
            "can_submit": evaluation.is_open and (refusal is None or evaluation.status == "returned"),
            "sheet_notes": [note for note in notes if note.indicator_id is None],
            "returned_rows": len(returned or ()),
            "refusal": refusal if evaluation.status != "returned" or returned is None else None,
            "problems": evaluation_problems(evaluation) if evaluation.is_open else [],
            "deadline": entry_deadline(evaluation.period, evaluation.sheet.department_id),
            "levels": ResultRowForm.base_fields["level"].choices,
            "tab_last": 3 * count + 10,
        }


def _band_hint(row, rules) -> str:
    if not row.weight:
        return ""
    parts = []
    for band in rules.bands:
        low, high = round_score(row.weight * band.low), round_score(row.weight * band.high)
        bracket = "]" if band.high_inclusive else ")"
        parts.append(f"{BAND_SHORT.get(band.key, band.label)} [{plain_number(low)}, {plain_number(high)}{bracket}")
    return "；".join(parts)


class EvidenceDownloadView(MemberRequiredMixin, View):
    def get(self, request, pk):
        evidence = get_object_or_404(evidence_for(request.user), pk=pk)
        return attachment_response(evidence.file, evidence.original_name)


class EvidenceRemoveView(MemberRequiredMixin, View):
    def post(self, request, pk):
        evidence = get_object_or_404(evidence_for(request.user), pk=pk)
        back = (
            ("assessment:entry", evidence.result.evaluation_id)
            if evidence.result_id
            else ("monitoring:entry", evidence.entry.report_id)
        )
        try:
            evidence_remove(evidence=evidence, actor=request.user)
            messages.success(request, _("已删除佐证材料“%(n)s”。") % {"n": evidence.original_name})
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect(back[0], pk=back[1])


class SheetExportView(MemberRequiredMixin, View):
    """The evaluation as an Excel 自评表, to fill in offline."""

    def get(self, request, pk):
        evaluation = get_object_or_404(evaluations_for(request.user), pk=pk)
        content = evaluation_workbook(evaluation, evaluation_rows(evaluation))
        sheet = evaluation.sheet
        label = sheet.project.name if sheet.project_id else sheet.title or sheet.department.name
        name = f"{sheet.department.name}-{label}-自评表-{evaluation.period.year}.xlsx"
        response = HttpResponse(content, content_type=SAFE_TYPES[".xlsx"])
        response["Content-Disposition"] = f"attachment; filename=\"evaluation.xlsx\"; filename*=UTF-8''{quote(name)}"
        return response


class SheetImportView(MemberRequiredMixin, TemplateView):
    """Upload a filled-in 自评表 → preview of every change → confirm; a bad row changes nothing."""

    template_name = "targets/assessment/import.html"
    salt = "targets.assessment.sheet-import"

    def evaluation(self):
        return get_object_or_404(evaluations_for(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"evaluation": self.evaluation(), "form": WorkbookUploadForm()})

    def post(self, request, *args, **kwargs):
        evaluation = self.evaluation()
        if "token" in request.POST:
            return self.confirm(evaluation)
        form = WorkbookUploadForm(request.POST, request.FILES)
        context = {"evaluation": evaluation, "form": form}
        if not form.is_valid():
            return self.render_to_response(context)
        upload = form.cleaned_data["file"]
        try:
            updates = read_evaluation_workbook(
                evaluation, evaluation_rows(evaluation), upload.read(MAX_WORKBOOK + 1), upload.name
            )
        except ValidationError as exc:
            context["problems"] = exc.messages
            return self.render_to_response(context)
        payload = [
            {
                "result": u.result.pk,
                "actual": u.actual_text,
                "level": u.level or u.result.assessment_level,
                "points": str(u.points) if u.points is not None else plain_number(u.result.assessment_points) or None,
                "reason": u.deviation_reason,
                "improvement": u.improvement,
                "revision": u.result.revision,
                "line": u.line,
            }
            for u in updates
        ]
        context.update(
            updates=updates,
            token=signing.dumps({"evaluation": evaluation.pk, "rows": payload, "name": upload.name}, salt=self.salt),
            file_name=upload.name,
        )
        return self.render_to_response(context)

    def confirm(self, evaluation):
        try:
            data = signing.loads(self.request.POST["token"], salt=self.salt, max_age=3600)
        except signing.BadSignature:
            messages.error(self.request, _("预览已过期，请重新上传文件。"))
            return redirect("assessment:sheet-import", pk=evaluation.pk)
        if data.get("evaluation") != evaluation.pk:
            raise PermissionDenied
        try:
            count = evaluation_rows_import(
                evaluation=evaluation,
                rows=data["rows"],
                actor=self.request.user,
                source=_("文件“%(n)s”：") % {"n": data.get("name", "")},
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(self.request, _("未导入：") + "；".join(getattr(exc, "messages", [str(exc)])))
            return redirect("assessment:sheet-import", pk=evaluation.pk)
        messages.success(self.request, _("已从自评表导入 %(n)d 行。") % {"n": count})
        return redirect("assessment:entry", pk=evaluation.pk)
