"""The entry page of a monitoring report (双监控): budget execution against time progress, and per
indicator the value to date, the expected full-year value and whether the annual target will be met,
with reasons, explanation and measure where the rules require them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from budgets.selectors import user_can_see_department

from ..assessment.entry import store_evidence
from ..assessment.selectors import open_return_notes
from ..periods.selectors import entry_deadline
from ..review.rules import editing_refusal, returned_indicator_ids, row_refusals
from ..workspace.views import MemberRequiredMixin
from .entry import save_monitoring_page, submit
from .forms import EntryRowForm, MonitoringBudgetForm
from .selectors import monitoring_reports_for, report_entries
from .services import monitoring_problems


class MonitoringEntryView(MemberRequiredMixin, TemplateView):
    template_name = "targets/monitoring/entry.html"

    def report(self):
        return get_object_or_404(monitoring_reports_for(self.request.user), pk=self.kwargs["pk"])

    def forms(self, report, entries, data=None, files=None):
        entry_forms = {
            e.pk: EntryRowForm(data, files, prefix=f"e{e.pk}", initial=EntryRowForm.initial_for(e)) for e in entries
        }
        return entry_forms, MonitoringBudgetForm(
            data, prefix="budget", initial=MonitoringBudgetForm.initial_for(report)
        )

    def get(self, request, *args, **kwargs):
        report = self.report()
        entries = report_entries(report)
        return self.render_to_response(self.page(report, entries, *self.forms(report, entries)))

    def post(self, request, *args, **kwargs):
        report = self.report()
        if not user_can_see_department(request.user, report.sheet.department):
            raise PermissionDenied
        entries = report_entries(report)
        entry_forms, budget = self.forms(report, entries, request.POST, request.FILES)
        refusals = row_refusals(report, [e.indicator_id for e in entries])
        outcome = save_monitoring_page(
            report=report,
            entries=[e for e in entries if refusals[e.indicator_id] is None],
            entry_forms=entry_forms,
            budget_form=budget if editing_refusal(report) is None and report.sheet.project_id else None,
            actor=request.user,
        )
        if not outcome.ok:
            messages.error(request, _("未保存：请按标出的提示修改后再保存。"))
            return self.render_to_response(self.page(report, entries, entry_forms, budget, outcome=outcome))
        for problem in store_evidence(items=entries, forms=entry_forms, actor=request.user, key="entry"):
            messages.warning(request, problem)
        if outcome.saved:
            messages.success(request, _("已保存 %(n)d 项。") % {"n": outcome.saved})
        if "submit" in request.POST:
            report.refresh_from_db()
            problems = submit(report, request.user)
            if problems:
                messages.error(request, _("还不能提交：") + "；".join(problems))
            else:
                messages.success(request, _("已提交审核。"))
        return redirect("monitoring:entry", pk=report.pk)

    def page(self, report, entries, entry_forms, budget, outcome=None):
        returned = returned_indicator_ids(report)
        notes = open_return_notes(report)
        refusals = row_refusals(report, [entry.indicator_id for entry in entries])
        count = len(entries)
        for index, entry in enumerate(entries, start=1):
            entry.form = entry_forms[entry.pk]
            entry.refusal = refusals[entry.indicator_id]
            entry.notes = [note for note in notes if note.indicator_id == entry.indicator_id]
            entry.returned = returned is not None and entry.indicator_id in returned
            entry.tab = {"value": index, "other": count + index}
            entry.errors = (outcome.errors.get(entry.form.prefix) if outcome else None) or []
            entry.conflict = outcome.conflicts.get(entry.form.prefix) if outcome else None
        budget.errors_list = (outcome.errors.get("budget") if outcome else None) or []
        budget.conflict = outcome.conflicts.get("budget") if outcome else None
        refusal = editing_refusal(report)
        return {
            "report": report,
            "sheet": report.sheet,
            "entries": entries,
            "budget": budget,
            "budget_editable": refusal is None and bool(report.sheet.project_id),
            "any_editable": any(e.refusal is None for e in entries) or refusal is None,
            "can_submit": report.is_open and (refusal is None or report.status == "returned"),
            "sheet_notes": [note for note in notes if note.indicator_id is None],
            "returned_rows": len(returned or ()),
            "refusal": refusal if report.status != "returned" or returned is None else None,
            "problems": monitoring_problems(report) if report.is_open else [],
            "deadline": entry_deadline(report.period, report.sheet.department_id),
            "tab_last": 2 * count + 10,
        }
