"""Target sheets on the staff side: the list, a sheet with its project facts, funds, goal and
indicators (editable while the targets can still change), submission of targets for approval, a
new 修订 version of an approved sheet, and a project with its sheet typed in by hand."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from budgets.models import FundingPeriod
from budgets.selectors import departments_for

from ..models import Evaluation, MonitoringReport, ReturnNote
from ..workspace.views import MemberRequiredMixin
from . import services
from .editing import indicator_move, project_sheet_create, targets_refusal
from .forms import NEW_ROWS, FundsForm, GoalForm, IndicatorRowForm, ProjectFactsForm, ProjectSheetForm
from .page import save_sheet_page
from .selectors import current_sheets_for, indicators_for, sheet_indicators, target_sheets_for
from .tables import SheetFilter, SheetTable


class SheetListView(MemberRequiredMixin, TemplateView):
    template_name = "targets/sheets/list.html"

    def get_context_data(self, **kwargs):
        sheets = current_sheets_for(self.request.user).annotate(indicator_count=Count("indicators"))
        filterset = SheetFilter(self.request.GET or None, queryset=sheets, user=self.request.user)
        table = SheetTable(filterset.qs)
        RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
        return {**super().get_context_data(**kwargs), "table": table, "filter": filterset}


class SheetView(MemberRequiredMixin, TemplateView):
    template_name = "targets/sheets/detail.html"

    def sheet(self):
        return get_object_or_404(target_sheets_for(self.request.user), pk=self.kwargs["pk"])

    def forms(self, sheet, indicators, data=None):
        row_forms = {
            i.pk: IndicatorRowForm(data, prefix=f"i{i.pk}", initial=IndicatorRowForm.initial_for(i)) for i in indicators
        }
        new_forms = [IndicatorRowForm(data, prefix=f"new{n}") for n in range(NEW_ROWS)]
        facts = (
            ProjectFactsForm(data, prefix="facts", initial=ProjectFactsForm.initial_for(sheet.project))
            if sheet.project_id
            else None
        )
        fundings = {f.period: f for f in sheet.project.fundings.all()} if sheet.project_id else {}
        fund_forms = (
            {
                period: FundsForm(data, prefix=f"funds-{period}", initial=FundsForm.initial_for(fundings.get(period)))
                for period in (FundingPeriod.MID_TERM, FundingPeriod.ANNUAL)
            }
            if sheet.project_id
            else {}
        )
        goal = GoalForm(data, prefix="goal", initial={"overall_goal": sheet.overall_goal, "revision": sheet.revision})
        return row_forms, new_forms, facts, fund_forms, goal

    def get(self, request, *args, **kwargs):
        sheet = self.sheet()
        indicators = sheet_indicators(sheet)
        return self.render_to_response(self.page(sheet, indicators, *self.forms(sheet, indicators)))

    def post(self, request, *args, **kwargs):
        sheet = self.sheet()
        indicators = sheet_indicators(sheet)
        forms = self.forms(sheet, indicators, request.POST)
        refusal = targets_refusal(sheet)
        if refusal:
            messages.error(request, refusal)
            return redirect("sheets:detail", pk=sheet.pk)
        row_forms, new_forms, facts, fund_forms, goal = forms
        outcome = save_sheet_page(
            sheet=sheet,
            indicators=indicators,
            row_forms=row_forms,
            new_forms=new_forms,
            facts_form=facts,
            fund_forms=fund_forms,
            goal_form=goal,
            actor=request.user,
        )
        if not outcome.ok:
            messages.error(request, _("未保存：请按标出的提示修改后再保存。"))
            return self.render_to_response(self.page(sheet, indicators, *forms, outcome=outcome))
        messages.success(
            request, _("已保存 %(n)d 项。") % {"n": outcome.saved} if outcome.saved else _("没有需要保存的修改。")
        )
        return redirect("sheets:detail", pk=sheet.pk)

    def page(self, sheet, indicators, row_forms, new_forms, facts, fund_forms, goal, outcome=None):
        notes = list(ReturnNote.objects.filter(sheet=sheet, resolved_at__isnull=True).select_related("created_by"))
        for indicator in indicators:
            indicator.form = row_forms[indicator.pk]
            indicator.errors = (outcome.errors.get(indicator.form.prefix) if outcome else None) or []
            indicator.conflict = outcome.conflicts.get(indicator.form.prefix) if outcome else None
        for form in [*new_forms, *fund_forms.values()]:
            form.errors_list = (outcome.errors.get(form.prefix) if outcome else None) or []
        refusal = targets_refusal(sheet)
        records = {
            "evaluations": Evaluation.objects.filter(sheet=sheet).select_related("period"),
            "monitoring": MonitoringReport.objects.filter(sheet=sheet).select_related("period"),
        }
        return {
            "sheet": sheet,
            "indicators": indicators,
            "new_forms": new_forms,
            "facts": facts,
            "fund_forms": fund_forms,
            "goal": goal,
            "refusal": refusal,
            "editable": refusal is None,
            "notes": notes,
            "outcome": outcome,
            "records": records,
            "can_submit": sheet.status in ("draft", "returned") and sheet.is_current,
            "can_revise": sheet.status == "approved" and sheet.is_current,
        }


class SheetActionView(MemberRequiredMixin, View):
    action = ""

    def post(self, request, pk):
        sheet = get_object_or_404(target_sheets_for(request.user), pk=pk)
        try:
            if self.action == "submit":
                services.target_sheet_submit(sheet=sheet, actor=request.user)
                messages.success(request, _("目标表已提交审核。"))
            else:
                sheet = services.target_sheet_revise(sheet=sheet, actor=request.user)
                messages.success(request, _("已生成新的修订版本，可以修改目标。"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("sheets:detail", pk=sheet.pk)


class ProjectSheetCreateView(MemberRequiredMixin, FormView):
    template_name = "targets/sheets/new.html"
    form_class = ProjectSheetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": departments_for(self.request.user).order_by("path")}

    def get_initial(self):
        department = departments_for(self.request.user).order_by("path").first()
        return {"department": department}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            sheet = project_sheet_create(
                department=data["department"],
                year=data["year"],
                name=data["name"],
                implementing_unit=data["implementing_unit"],
                overall_goal=data["overall_goal"],
                actor=self.request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("已新建项目和目标表，请填写绩效指标。"))
        return redirect("sheets:detail", pk=sheet.pk)


class IndicatorMoveView(MemberRequiredMixin, View):
    def post(self, request, pk):
        indicator = get_object_or_404(indicators_for(request.user).select_related("sheet"), pk=pk)
        try:
            indicator_move(indicator=indicator, position=int(request.POST.get("position", "")), actor=request.user)
        except ValueError:
            messages.error(request, _("顺序必须是数字。"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("sheets:detail", pk=indicator.sheet_id)
