"""The notifications page: the signed-in user's reminders (newest first), marking them read, and
which kinds of reminder they want."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .forms import MuteForm
from .messages import digest_entries
from .models import ReminderKind
from .selectors import mandatory_everywhere, muted_kinds, notifications_for
from .services import notification_mark_read, notifications_mark_all_read, reminder_mutes_set

PAGE_SIZE = 20


class NotificationsView(LoginRequiredMixin, TemplateView):
    """GET: the list and the settings form; POST: save the settings."""

    template_name = "targets/reminders/notifications.html"

    def get_context_data(self, form=None, **kwargs):
        user = self.request.user
        page = Paginator(notifications_for(user), PAGE_SIZE).get_page(self.request.GET.get("page"))
        for digest in page:
            digest.entries = digest_entries(digest.kind, digest.day, digest.content)
            digest.kind_label = ReminderKind(digest.kind).label
        form = form or MuteForm(initial={"muted": sorted(muted_kinds(user))}, locked=mandatory_everywhere())
        return {**super().get_context_data(**kwargs), "page": page, "form": form}

    def post(self, request):
        form = MuteForm(request.POST, locked=mandatory_everywhere())
        if form.is_valid():
            try:
                reminder_mutes_set(user=request.user, kinds=form.cleaned_data["muted"], actor=request.user)
            except ValidationError as exc:
                form.add_error("muted", exc)
            else:
                messages.success(request, _("提醒设置已保存。"))
                return redirect("reminders:notifications")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MarkReadView(LoginRequiredMixin, View):
    """POST only: one notification (pk) or all of the user's notifications marked read."""

    def post(self, request, pk=None):
        if pk is None:
            count = notifications_mark_all_read(actor=request.user)
            messages.success(request, _("已将 %(n)d 条提醒标为已读。") % {"n": count})
        else:
            notification_mark_read(digest_id=pk, actor=request.user)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("reminders:notifications")
        return redirect(target)
