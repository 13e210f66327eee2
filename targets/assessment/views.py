"""The entry page of a self-evaluation: one row per indicator with its target as printed, the actual
(parsed on save and shown back as understood), the score and its explanation, the budget block, the
return notes, and what is still missing before submission."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..periods.selectors import entry_deadline
from ..review.rules import editing_refusal, returned_indicator_ids
from ..workspace.views import MemberRequiredMixin
from .explanation import result_explanation
from .selectors import evaluation_rows, evaluations_for, open_return_notes
from .services import evaluation_problems


class EvaluationEntryView(MemberRequiredMixin, TemplateView):
    template_name = "targets/assessment/entry.html"

    def get_context_data(self, **kwargs):
        evaluation = get_object_or_404(evaluations_for(self.request.user), pk=self.kwargs["pk"])
        rules = evaluation.profile.as_rules()
        rows = evaluation_rows(evaluation)
        returned = returned_indicator_ids(evaluation)
        notes = open_return_notes(evaluation)
        for row in rows:
            row.explanation = result_explanation(row, rules)
            row.refusal = editing_refusal(evaluation, indicator_id=row.indicator_id)
            row.notes = [note for note in notes if note.indicator_id == row.indicator_id]
            row.returned = returned is not None and row.indicator_id in returned
        return {
            **super().get_context_data(**kwargs),
            "evaluation": evaluation,
            "sheet": evaluation.sheet,
            "rows": rows,
            "sheet_notes": [note for note in notes if note.indicator_id is None],
            "refusal": editing_refusal(evaluation),
            "problems": evaluation_problems(evaluation) if evaluation.is_open else [],
            "deadline": entry_deadline(evaluation.period, evaluation.sheet.department_id),
        }
