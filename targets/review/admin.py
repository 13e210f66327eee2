"""Review in the admin: the queue of submitted self-evaluations and monitoring reports, and the review
page of each (its change page): per indicator the target, the actual as typed and as understood, the
score and why, evidence, and what changed since the last approval; with approve, return (whole or
chosen indicators), reopen and, for self-evaluations, score adjustments. Every action is a service
call (targets.review.services, targets.assessment.services); a refusal is shown on the page.

Staff may open their own departments' records here read-only; actions are offered only to a
supervisor of the record's department who holds the review permission.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.admin import DepartmentScopedAdmin
from budgets.history_admin import ReadableHistoryAdmin
from budgets.money import plain_number
from budgets.selectors import supervised_departments_for

from ..admin_tools import ReadOnlyAdmin, error_messages
from ..assessment.selectors import open_return_notes
from ..models import ReviewStatus
from ..scoring.values import Comparator
from . import services
from .forms import QueueFilterForm, ReopenForm, ReturnForm
from .selectors import (
    FIELD_DISPLAYS,
    KINDS,
    QueueFilter,
    changes_since_review,
    late_days,
    review_queue,
    reviewable,
    user_can_review,
    user_reviews_anything,
    with_deadline,
)

RECORD_RELATED = ("sheet__department", "sheet__project", "period", "profile", "submitted_by", "reviewed_by")


def understood(comparator: str, number, unit: str) -> str:
    """How a typed value was read ("≥ 98%", "3小时"), or "" when it was not read as a number."""
    if number is None:
        return ""
    symbol = "" if comparator in (Comparator.EQ, Comparator.QUALITATIVE, "") else f"{Comparator(comparator).label} "
    return f"{symbol}{plain_number(number)}{unit}"


def evidence_url(evidence) -> str | None:
    """The checked download of an evidence file, where the project has one."""
    try:
        return reverse("assessment:evidence", args=[evidence.pk])
    except NoReverseMatch:
        return None


def approve_records(modeladmin, request, records) -> None:
    """Approve each record in turn; a record that cannot be approved is named with the reason."""
    done = 0
    for record in records:
        try:
            services.submission_approve(record=record, actor=request.user)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{record}：{'；'.join(error_messages(exc))}", level=messages.ERROR)
    if done:
        modeladmin.message_user(request, _("已审核通过 %(n)d 份。") % {"n": done}, level=messages.SUCCESS)


class ReviewedRecordAdmin(ReadOnlyAdmin, ReadableHistoryAdmin, DepartmentScopedAdmin):
    """Common admin of Evaluation and MonitoringReport: the changelist with deadlines and the review
    page in place of the change form (nothing here is edited as a form; the data is the staff's)."""

    department_field = "sheet__department"
    review_columns = (
        "sheet_name",
        "department",
        "period_name",
        "status",
        "deadline_display",
        "late_display",
        "submitted_at",
    )
    search_fields = ("sheet__project__name",)
    list_select_related = ("sheet__department", "sheet__project", "period")
    review_template = ""
    history_displays = FIELD_DISPLAYS
    actions = ["approve_selected"]
    row_model = None  # IndicatorResult or MonitoringEntry
    row_parent = ""  # the rows' foreign key to the record
    entry_url_name = ""  # the record's page in the staff workspace

    def get_queryset(self, request):
        return with_deadline(super().get_queryset(request))

    def has_review_permission(self, request, obj=None):
        if obj is not None:
            return user_can_review(request.user, obj)
        return request.user.has_perm(f"{self.opts.app_label}.review_{self.opts.model_name}")

    @admin.display(description=gettext_lazy("目标表"), ordering="sheet__project__name")
    def sheet_name(self, obj):
        return sheet_owner(obj.sheet)

    @admin.display(description=gettext_lazy("填报期"), ordering="period__due_date")
    def period_name(self, obj):
        return _("%(y)s年%(k)s") % {"y": obj.period.year, "k": obj.period.get_kind_display()}

    @admin.display(description=gettext_lazy("部门"), ordering="sheet__department__path")
    def department(self, obj):
        return obj.sheet.department.name

    @admin.display(description=gettext_lazy("截止日期"), ordering="deadline")
    def deadline_display(self, obj):
        return f"{obj.deadline:%Y-%m-%d}"

    @admin.display(description=gettext_lazy("逾期"))
    def late_display(self, obj):
        days = late_days(obj)
        return _("逾期 %(d)d 天提交") % {"d": days} if days else ""

    @admin.action(description=gettext_lazy("审核通过所选"), permissions=["review"])
    def approve_selected(self, request, queryset):
        approve_records(self, request, queryset.select_related(*RECORD_RELATED))

    def history_subjects(self, obj):
        rows = self.row_model.objects.filter(**{self.row_parent: obj}).values_list("pk", flat=True)
        return {type(obj): [obj.pk], self.row_model: list(rows)}

    # The review page ------------------------------------------------------------------------------

    def review_record(self, request, object_id):
        try:
            pk = int(unquote(object_id))
        except (TypeError, ValueError):
            return None
        return self.get_queryset(request).select_related(*RECORD_RELATED).filter(pk=pk).first()

    def load_rows(self, record) -> list:
        """The record's rows with their indicators and evidence, in a fixed number of queries."""
        raise NotImplementedError

    def describe_rows(self, record, rows) -> None:
        """Set what the page shows of each row that the row does not hold itself (explanations…)."""

    def review_handlers(self) -> dict:
        return {"approve": self.handle_approve, "return": self.handle_return, "reopen": self.handle_reopen}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.review_record(request, object_id)
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        can_review = user_can_review(request.user, record)
        rows = self.load_rows(record)
        bound = {}
        if request.method == "POST":
            handler = self.review_handlers().get(request.POST.get("review_action", ""))
            if not can_review or handler is None:
                raise PermissionDenied
            done, bound = handler(request, record, rows)
            if done:
                self.message_user(request, done, level=messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        context = self.review_context(request, record, rows, can_review=can_review, bound=bound)
        return TemplateResponse(request, self.review_template, {**context, **(extra_context or {})})

    def review_context(self, request, record, rows, *, can_review: bool, bound: dict) -> dict:
        baseline = changes_since_review(record, rows)
        notes = open_return_notes(record)
        by_indicator = {}
        for note in notes:
            by_indicator.setdefault(note.indicator_id, []).append(note)
        return_form = bound.get("return") or ReturnForm(indicator_ids=[row.indicator_id for row in rows])
        typed = return_form.data if return_form.is_bound else {}
        history = f"admin:{self.opts.app_label}_{self.row_model._meta.model_name}_history"
        for row in rows:
            row.history_url = reverse(history, args=[row.pk])
            row.notes = by_indicator.get(row.indicator_id, [])
            row.changes = baseline.row_changes.get(row.indicator_id, [])
            row.is_new = row.indicator_id in baseline.new_rows
            row.evidence_files = [
                {
                    "name": item.original_name,
                    "url": evidence_url(item),
                    "new": baseline.at is not None and item.uploaded_at > baseline.at,
                }
                for item in row.evidence.all()
            ]
            row.return_checked = bool(typed.get(f"indicator_{row.indicator_id}"))
            row.return_reason = typed.get(f"reason_{row.indicator_id}", "")
        self.describe_rows(record, rows)
        return {
            **self.admin_site.each_context(request),
            "title": review_title(record),
            "opts": self.opts,
            "original": record,
            "record": record,
            "sheet": record.sheet,
            "rows": rows,
            "baseline": baseline,
            "sheet_notes": by_indicator.get(None, []),
            "days_late": late_days(record),
            "can_decide": can_review and record.status == ReviewStatus.SUBMITTED,
            "can_reopen": can_review and record.status == ReviewStatus.APPROVED,
            "return_form": return_form,
            "return_errors": return_form.non_field_errors() if return_form.is_bound else [],
            "reopen_form": bound.get("reopen") or ReopenForm(),
            "errors": bound.get("errors", []),
            "has_view_permission": self.has_view_permission(request, record),
            "queue_url": reverse("admin:targets_review_queue") if user_reviews_anything(request.user) else "",
            "entry_url": reverse(self.entry_url_name, args=[record.pk]),
            "locked_notice": locked_notice(record),
            **self.extra_review_context(record, rows, bound),
        }

    def extra_review_context(self, record, rows, bound) -> dict:
        return {}

    def handle_approve(self, request, record, rows):
        try:
            services.submission_approve(record=record, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            return None, {"errors": error_messages(exc)}
        return _("已审核通过：%(r)s") % {"r": review_title(record)}, {}

    def handle_return(self, request, record, rows):
        form = ReturnForm(request.POST, indicator_ids=[row.indicator_id for row in rows])
        if form.is_valid():
            try:
                services.submission_return(
                    record=record,
                    message=form.cleaned_data["message"],
                    indicator_messages=form.indicator_messages(),
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_messages(exc))
            else:
                return _("已退回：%(r)s。填报人员会在填报页面看到退回原因。") % {"r": review_title(record)}, {}
        return None, {"return": form}

    def handle_reopen(self, request, record, rows):
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                services.submission_reopen(record=record, reason=form.cleaned_data["reason"], actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_messages(exc))
            else:
                return _("已重新打开：%(r)s，填报人员可以修改后重新提交。") % {"r": review_title(record)}, {}
        return None, {"reopen": form}


def sheet_owner(sheet) -> str:
    return sheet.project.name if sheet.project_id else sheet.title or sheet.department.name


def review_title(record) -> str:
    return f"{sheet_owner(record.sheet)} · {record.period}"


def locked_notice(record) -> str:
    if record.status == ReviewStatus.APPROVED:
        return _("已审核通过，数据已锁定。如需修改，可由监督审核人员写明理由后重新打开。")
    if record.status == ReviewStatus.SUBMITTED:
        return _("已提交，等待审核；审核期间填报人员不能修改。")
    if record.status == ReviewStatus.RETURNED:
        return _("已退回，等待填报人员修改后重新提交。")
    return _("填报中，尚未提交审核。")


# The queue -----------------------------------------------------------------------------------------


def queue_urls(modeladmin) -> list:
    """/admin/targets/evaluation/queue/ (admin:targets_review_queue): both kinds, linked on the index."""

    def view(request):
        return queue_view(modeladmin, request)

    return [path("queue/", modeladmin.admin_site.admin_view(view), name="targets_review_queue")]


def queue_view(modeladmin, request):
    user = request.user
    if not user_reviews_anything(user):
        raise PermissionDenied
    if request.method == "POST":
        approve_records(modeladmin, request, _chosen_records(user, request.POST.getlist("selected")))
        return redirect(request.get_full_path())
    departments = supervised_departments_for(user).order_by("path")
    form = QueueFilterForm(request.GET or None, departments=departments)
    chosen = QueueFilter()
    if form.is_valid():
        data = form.cleaned_data
        chosen = QueueFilter(
            status=data["status"] or ReviewStatus.SUBMITTED,
            kind=data["kind"],
            department=data["department"].pk if data["department"] else None,
            late_only=data["late_only"],
        )
    page, records = review_queue(user, chosen, request.GET.get("p"))
    for record in records:
        record.owner = sheet_owner(record.sheet)
    query = request.GET.copy()
    query.pop("p", None)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("审核队列"),
        "form": form,
        "page": page,
        "records": records,
        "chosen": chosen,
        "can_approve": chosen.status == ReviewStatus.SUBMITTED,
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return TemplateResponse(request, "admin/targets/review/queue.html", context)


def _chosen_records(user, tokens):
    """The records the tokens ("evaluation:12") name that `user` may review; the rest is ignored."""
    allowed = {kind for kind, model in KINDS.items() if user.has_perm(f"targets.review_{model._meta.model_name}")}
    wanted = {}
    for token in tokens:
        kind, _sep, pk = token.partition(":")
        if kind in allowed and pk.isdigit():
            wanted.setdefault(kind, set()).add(int(pk))
    records = []
    for kind, pks in wanted.items():
        records += list(reviewable(KINDS[kind], user).filter(pk__in=pks).select_related(*RECORD_RELATED))
    return records
