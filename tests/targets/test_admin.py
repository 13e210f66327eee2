"""Every page of the targets admin renders for the people who use it: no 500, no page without data."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from targets.models import LateEntryException, TargetSheet
from targets.periods.services import late_entry_grant
from tests.factories import IndicatorFactory, TargetSheetFactory


@pytest.fixture
def one_of_each(recorded_evaluation, supervisor, period, department):
    sheet = TargetSheetFactory(project__department=department, status=TargetSheet.Status.SUBMITTED)
    IndicatorFactory(sheet=sheet)
    late_entry_grant(period=period, department=department, until=period.due_date, reason="补报", actor=supervisor)
    return recorded_evaluation


def _targets_admins():
    return [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label == "targets"]


@pytest.mark.parametrize("who", ["superuser", "supervisor", "staff"])
def test_every_targets_admin_page_renders(client, request, one_of_each, who):
    client.force_login(request.getfixturevalue(who))
    for model_admin in _targets_admins():
        opts = model_admin.opts
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code in (200, 403), opts.model_name
        obj = model_admin.get_queryset(changelist.wsgi_request).first() if changelist.status_code == 200 else None
        if obj is None:
            continue
        for view in ("change", "history"):
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
            except NoReverseMatch:
                continue
            assert client.get(url).status_code == 200, (opts.model_name, view)


def test_staff_see_late_entry_exceptions_of_their_department_read_only(client, staff, one_of_each):
    exception = LateEntryException.objects.get()
    client.force_login(staff)
    body = client.get(reverse("admin:targets_lateentryexception_change", args=[exception.pk])).content.decode()
    assert "补报" in body and 'name="_save"' not in body and "撤销延期" not in body
