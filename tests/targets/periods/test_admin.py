"""Reporting periods and late-entry exceptions in the admin, through the period services."""

import datetime

import pytest
from django.urls import reverse

from budgets.models import AuditEntry, Membership
from targets.models import Evaluation, LateEntryException, ReportingPeriod
from targets.periods.services import late_entry_grant
from tests.factories import IndicatorFactory, MembershipFactory, SourceDocumentFactory, TargetSheetFactory, UserFactory

ADD = reverse("admin:targets_reportingperiod_add")
Kind = ReportingPeriod.Kind


def change_url(period):
    return reverse("admin:targets_reportingperiod_change", args=[period.pk])


def test_a_period_needs_only_its_year_and_kind(client, superuser):
    client.force_login(superuser)
    response = client.post(ADD, {"year": "2024", "kind": Kind.MONITORING, "grace_days": "15"})
    assert response.status_code == 302, response.content.decode()[:3000]
    period = ReportingPeriod.objects.get()
    assert (period.cut_off_date, period.opens_on, period.due_date) == (
        datetime.date(2024, 7, 31),
        datetime.date(2024, 8, 1),
        datetime.date(2024, 8, 31),
    )
    assert period.history.get().history_user == superuser
    assert AuditEntry.objects.filter(action="reporting_period.create").exists()


def test_a_duplicate_or_impossible_period_is_named_on_the_form(client, superuser):
    client.force_login(superuser)
    client.post(ADD, {"year": "2024", "kind": Kind.MONITORING, "grace_days": "15"})
    response = client.post(ADD, {"year": "2024", "kind": Kind.MONITORING, "grace_days": "15"})
    assert response.status_code == 200 and "已经存在" in response.content.decode()
    response = client.post(
        ADD,
        {"year": "2024", "kind": Kind.MONITORING, "cut_off_date": "2024-06-30", "due_date": "2024-06-01",
         "grace_days": "15"},
    )  # fmt: skip
    assert response.status_code == 200 and "不能早于" in response.content.decode()
    assert ReportingPeriod.objects.count() == 1


def test_editing_a_period_goes_through_the_service(client, superuser):
    client.force_login(superuser)
    client.post(ADD, {"year": "2024", "kind": Kind.MONITORING, "grace_days": "15"})
    period = ReportingPeriod.objects.get()
    data = {
        "year": "2024",
        "kind": Kind.MONITORING,
        "cut_off_date": "2024-07-31",
        "opens_on": "2024-08-01",
        "due_date": "2024-09-15",
        "grace_days": "5",
    }
    response = client.post(change_url(period), data)
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.due_date, period.grace_days, period.closes_on) == (
        datetime.date(2024, 9, 15),
        5,
        datetime.date(2024, 9, 20),
    )
    assert period.history.first().history_change_reason == "修改填报期"


def test_open_now_prepares_the_records_and_starts_entry_today(client, superuser, project, time_machine):
    time_machine.move_to(datetime.datetime(2024, 7, 20, 10, 0, tzinfo=datetime.UTC))
    sheet = TargetSheetFactory(project=project, year=2024, source_document=SourceDocumentFactory(year=2024))
    IndicatorFactory(sheet=sheet)
    client.force_login(superuser)
    client.post(ADD, {"year": "2024", "kind": Kind.SELF_EVALUATION, "grace_days": "15"})
    period = ReportingPeriod.objects.get()
    assert "立即开启" in client.get(change_url(period)).content.decode()  # the button on the page
    response = client.post(reverse("admin:targets_reportingperiod_open", args=[period.pk]))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.opened_at is not None and period.opens_on == datetime.date(2024, 7, 20)
    assert Evaluation.objects.filter(sheet=sheet, period=period).count() == 1
    assert "新准备了 1 份填报记录" in " ".join(str(m) for m in response.wsgi_request._messages)


def test_supervisors_see_periods_read_only(client, supervisor, superuser):
    client.force_login(superuser)
    client.post(ADD, {"year": "2024", "kind": Kind.MONITORING, "grace_days": "15"})
    period = ReportingPeriod.objects.get()
    client.force_login(supervisor)
    body = client.get(change_url(period)).content.decode()
    assert 'name="_save"' not in body and "立即开启" not in body
    assert client.post(reverse("admin:targets_reportingperiod_open", args=[period.pk])).status_code == 403
    assert client.get(ADD).status_code == 403
    changelist = client.get(reverse("admin:targets_reportingperiod_changelist")).content.decode()
    assert 'value="open_now"' not in changelist


# Late-entry exceptions --------------------------------------------------------------------------

LATE_ADD = reverse("admin:targets_lateentryexception_add")


@pytest.fixture
def august(db):
    from tests.factories import ReportingPeriodFactory

    return ReportingPeriodFactory()


def test_a_supervisor_grants_a_late_entry_with_a_reason(client, supervisor, department, august):
    client.force_login(supervisor)
    form = client.get(LATE_ADD).content.decode()
    assert department.name in form
    data = {"period": august.pk, "department": department.pk, "until": "2021-09-20", "reason": "系统迁移"}
    response = client.post(LATE_ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    exception = LateEntryException.objects.get()
    assert (exception.until, exception.reason, exception.granted_by) == (
        datetime.date(2021, 9, 20),
        "系统迁移",
        supervisor,
    )


def test_late_entry_refusals_are_named_on_the_form(client, supervisor, department, other_department, august):
    client.force_login(supervisor)
    response = client.post(
        LATE_ADD, {"period": august.pk, "department": department.pk, "until": "2021-08-01", "reason": "x"}
    )
    assert response.status_code == 200 and "延期日期不能早于填报截止日期" in response.content.decode()
    response = client.post(
        LATE_ADD, {"period": august.pk, "department": department.pk, "until": "2021-09-20", "reason": ""}
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(
        LATE_ADD, {"period": august.pk, "department": other_department.pk, "until": "2021-09-20", "reason": "x"}
    )  # a department the supervisor does not supervise is not a choice
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not LateEntryException.objects.exists()


def test_staff_cannot_grant(client, staff, august):
    client.force_login(staff)
    assert client.get(LATE_ADD).status_code == 403


def test_revoking_needs_a_reason(client, supervisor, department, august):
    exception = late_entry_grant(
        period=august, department=department, until=datetime.date(2021, 9, 20), reason="系统迁移", actor=supervisor
    )
    client.force_login(supervisor)
    page = client.get(reverse("admin:targets_lateentryexception_change", args=[exception.pk])).content.decode()
    assert "撤销延期" in page
    url = reverse("admin:targets_lateentryexception_revoke", args=[exception.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert LateEntryException.objects.exists()
    response = client.post(url, {"reason": "已按期补报"})
    assert response.status_code == 302
    assert not LateEntryException.objects.exists()
    entry = AuditEntry.objects.get(action="late_entry.revoke")
    from budgets.audit import event_sentence

    assert event_sentence(entry).endswith("理由：已按期补报")


def test_a_supervisor_of_another_tree_cannot_revoke(client, department, other_department, supervisor, august):
    exception = late_entry_grant(
        period=august, department=department, until=datetime.date(2021, 9, 20), reason="系统迁移", actor=supervisor
    )
    stranger = UserFactory(username="elsewhere")
    MembershipFactory(user=stranger, department=other_department, role=Membership.Role.SUPERVISOR)
    client.force_login(stranger)
    url = reverse("admin:targets_lateentryexception_revoke", args=[exception.pk])
    assert client.post(url, {"reason": "x"}).status_code == 302  # not in their scope: as if it did not exist
    assert LateEntryException.objects.exists()
