"""History pages on the staff side: the timeline of a sheet, a self-evaluation or a monitoring report."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..assessment.selectors import evaluations_for
from ..monitoring.selectors import monitoring_reports_for
from ..sheets.selectors import target_sheets_for
from ..workspace.views import MemberRequiredMixin
from .timeline import evaluation_timeline, monitoring_timeline, sheet_timeline


class TimelineView(MemberRequiredMixin, TemplateView):
    template_name = "targets/history/timeline.html"
    kind = ""

    def get_context_data(self, **kwargs):
        user, pk = self.request.user, self.kwargs["pk"]
        if self.kind == "evaluation":
            record = get_object_or_404(evaluations_for(user), pk=pk)
            events, sheet, back = evaluation_timeline(record), record.sheet, ("assessment:entry", pk)
        elif self.kind == "monitoring":
            record = get_object_or_404(monitoring_reports_for(user), pk=pk)
            events, sheet, back = monitoring_timeline(record), record.sheet, ("monitoring:entry", pk)
        else:
            record = get_object_or_404(target_sheets_for(user), pk=pk)
            events, sheet, back = sheet_timeline(record), record, ("sheets:detail", pk)
        return {**super().get_context_data(**kwargs), "record": record, "sheet": sheet, "events": events, "back": back}
