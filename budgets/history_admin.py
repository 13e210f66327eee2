"""The admin's 历史 page for history-tracked models (django-simple-history): every change of the
record old → new under Chinese field names, who made it, when and why; and the business events of
the record (and of its rows) as sentences. Read-only: there is no "revert", since every write goes
through a service."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import actor_name, event_sentence
from .models import AuditEntry
from .readable import audit_changes, changes_between, related_names, tracked_fields, values_of

HISTORY_TYPES = {"+": gettext_lazy("新建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
PER_PAGE = 50


def history_fields(model, *, hidden=()) -> list:
    """The fields of `model` its historical records keep, less bookkeeping (`hidden`)."""
    kept = {field.name for field in model.history.model.tracked_fields}
    return [field for field in tracked_fields(model, hidden=hidden) if field.name in kept]


def history_rows(model, records: list, *, older=None, hidden=(), displays=None) -> list[dict]:
    """Rows for historical `records` (newest first); `older` is the record just before the last one,
    so the last row on a page still shows what it changed."""
    if not records:
        return []
    fields = history_fields(model, hidden=hidden)
    values = [values_of(record, fields) for record in records]
    previous = [*values[1:], values_of(older, fields) if older is not None else None]
    related = related_names(fields, values + [v for v in previous if v])
    return [
        {
            "when": record.history_date,
            "who": actor_name(record.history_user) if record.history_user_id else _("系统"),
            "kind": HISTORY_TYPES.get(record.history_type, "")
            if before is not None or record.history_type == "+"
            else _("最早的记录"),
            "reason": record.history_change_reason or "",
            "changes": changes_between(fields, before, after, related=related, displays=displays),
        }
        for record, after, before in zip(records, values, previous, strict=True)
    ]


def event_rows(entries) -> list[dict]:
    return [
        {
            "when": entry.created_at,
            "who": actor_name(entry.actor),
            "sentence": event_sentence(entry),
            "changes": audit_changes(entry),
        }
        for entry in entries
    ]


def events_about(subjects) -> QuerySet[AuditEntry]:
    """Audit entries of the given {model: [pk, ...]}, newest first."""
    condition = Q(pk__in=[])
    for model, pks in subjects.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        condition |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    return AuditEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-created_at", "-id")


class ReadableHistoryAdmin(admin.ModelAdmin):
    """Mix into a ModelAdmin of a model with `history = HistoricalRecords()`."""

    object_history_template = "admin/readable_history.html"
    history_hidden_fields = ("revision",)
    history_displays: dict = {}  # field name → how to show it (budgets.readable.readable_value `display`)

    def history_subjects(self, obj) -> dict:
        """Whose business events the page lists: the record itself; a record with rows adds them."""
        return {type(obj): [obj.pk]}

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if obj is None:  # outside the user's departments, or deleted: never its history
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        records = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
        page = Paginator(records, PER_PAGE).get_page(request.GET.get("p"))
        # One query for the page and the record before its last one (what that one changed).
        size = page.end_index() - page.start_index() + 1 if page.paginator.count else 0
        window = list(records[page.start_index() - 1 : page.end_index() + 1]) if size else []
        page_records, older = window[:size], (window[size] if len(window) > size else None)
        events = Paginator(events_about(self.history_subjects(obj)), PER_PAGE).get_page(request.GET.get("e"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(object)s 的修改历史") % {"object": obj},
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "app_label": self.opts.app_label,
            "rows": history_rows(
                self.model, page_records, older=older, hidden=self.history_hidden_fields, displays=self.history_displays
            ),
            "page": page,
            "events": event_rows(events.object_list),
            "events_page": events,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)
