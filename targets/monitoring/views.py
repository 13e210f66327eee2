"""The entry page of a monitoring report (双监控): budget execution against time progress, and per
indicator the value to date, the expected full-year value and whether the annual target will be met."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..assessment.selectors import open_return_notes
from ..periods.selectors import entry_deadline
from ..review.rules import editing_refusal, returned_indicator_ids
from ..workspace.views import MemberRequiredMixin
from .selectors import monitoring_reports_for, report_entries
from .services import monitoring_problems


class MonitoringEntryView(MemberRequiredMixin, TemplateView):
    template_name = "targets/monitoring/entry.html"

    def get_context_data(self, **kwargs):
        report = get_object_or_404(monitoring_reports_for(self.request.user), pk=self.kwargs["pk"])
        entries = report_entries(report)
        returned = returned_indicator_ids(report)
        notes = open_return_notes(report)
        for entry in entries:
            entry.refusal = editing_refusal(report, indicator_id=entry.indicator_id)
            entry.notes = [note for note in notes if note.indicator_id == entry.indicator_id]
            entry.returned = returned is not None and entry.indicator_id in returned
        return {
            **super().get_context_data(**kwargs),
            "report": report,
            "sheet": report.sheet,
            "entries": entries,
            "sheet_notes": [note for note in notes if note.indicator_id is None],
            "refusal": editing_refusal(report),
            "problems": monitoring_problems(report) if report.is_open else [],
            "deadline": entry_deadline(report.period, report.sheet.department_id),
        }
