"""How a digest reads: its subject, and its sheets as entries (what is missing, return reasons, how
many days are left or late, the link), shared by the e-mail, the notifications page and the
command's dry run."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ReviewStatus
from .models import MUTABLE_KINDS, ReminderKind

SUBJECTS = {
    ReminderKind.DUE_SOON: lambda n, d: _("【填报提醒】您有 %(n)d 张目标表即将截止填报") % {"n": n},
    ReminderKind.OVERDUE: lambda n, d: _("【逾期提醒】您有 %(n)d 张目标表已过截止日期仍未提交") % {"n": n},
    ReminderKind.ESCALATION: lambda n, d: _("【逾期督办】%(d)d 个部门的 %(n)d 张目标表逾期未提交") % {"n": n, "d": d},
    ReminderKind.REVIEW: lambda n, d: _("【待审核提醒】%(n)d 份提交等待审核已超过规定天数") % {"n": n},
}
INTROS = {
    ReminderKind.DUE_SOON: gettext_lazy("以下目标表尚未提交或有退回意见待处理，请在截止日期前完成填报并提交："),
    ReminderKind.OVERDUE: gettext_lazy(
        "以下目标表已过填报截止日期，仍未提交，请尽快完成（监督审核人员已收到逾期督办）："
    ),
    ReminderKind.ESCALATION: gettext_lazy("您监督的部门中，以下目标表已过填报截止日期，仍未提交："),
    ReminderKind.REVIEW: gettext_lazy("以下提交已等待审核超过规定天数，请尽快审核："),
}
STATUS_LABELS = {ReviewStatus.DRAFT: gettext_lazy("未提交"), ReviewStatus.RETURNED: gettext_lazy("已退回待修改")}


def digest_subject(kind: str, items: list[dict]) -> str:
    departments = {item["department"] for item in items}
    return SUBJECTS[kind](len(items), len(departments))[:200]


def _when(kind: str, item: dict, day: datetime.date) -> str:
    if kind == ReminderKind.REVIEW:
        return _("%(d)s 提交，已等待审核 %(n)d 天") % {"d": item["submitted_on"], "n": item["waiting_days"]}
    deadline = datetime.date.fromisoformat(item["deadline"])
    left = (deadline - day).days
    if left > 0:
        return _("截止 %(d)s，还剩 %(n)d 天") % {"d": item["deadline"], "n": left}
    if left == 0:
        return _("今天（%(d)s）截止") % {"d": item["deadline"]}
    return _("截止 %(d)s，已逾期 %(n)d 天") % {"d": item["deadline"], "n": -left}


def digest_entries(kind: str, day: datetime.date, content: dict, *, absolute: bool = False) -> list[dict]:
    """The digest's sheets as the templates and the e-mail show them."""
    base = settings.SITE_URL if absolute else ""
    entries = []
    for item in content.get("items", []):
        entries.append(
            {
                "department": item["department"],
                "sheet": item["sheet"],
                "period": item["period"],
                "when": _when(kind, item, day),
                "late": kind in (ReminderKind.OVERDUE, ReminderKind.ESCALATION),
                "status": str(STATUS_LABELS.get(item["status"], "")),
                "empty": item.get("empty", []),
                "notes": [
                    {"indicator": indicator or _("整表"), "message": message}
                    for indicator, message in item.get("notes", [])
                ],
                "url": base + item["path"],
            }
        )
    return entries


def digest_text(*, kind: str, day: datetime.date, content: dict, name: str) -> str:
    """The e-mail body (plain text, absolute links)."""
    lines = [_("%(name)s，您好：") % {"name": name}, "", str(INTROS[kind]), ""]
    link_label = _("审核页面") if kind == ReminderKind.REVIEW else _("填报页面")
    for number, entry in enumerate(digest_entries(kind, day, content, absolute=True), start=1):
        lines.append(f"{number}. {entry['department']} · {entry['sheet']}（{entry['period']}）")
        lines.append(
            "   " + entry["when"] + (f"；{entry['status']}" if entry["status"] and kind != ReminderKind.REVIEW else "")
        )
        if entry["empty"]:
            lines.append(
                "   "
                + _("尚未填报（%(n)d 项）：%(names)s") % {"n": len(entry["empty"]), "names": "、".join(entry["empty"])}
            )
        elif kind != ReminderKind.REVIEW and not entry["notes"]:
            lines.append("   " + _("各项指标均已填写，尚未提交"))
        for note in entry["notes"]:
            lines.append(
                "   " + _("退回意见（%(what)s）：%(message)s") % {"what": note["indicator"], "message": note["message"]}
            )
        lines.append(f"   {link_label}：{entry['url']}")
        lines.append("")
    lines.append(_("全部提醒：%(url)s") % {"url": settings.SITE_URL + reverse("reminders:notifications")})
    if kind in MUTABLE_KINDS:
        lines.append(_("如不需要此类提醒，可在提醒页面的“提醒设置”中屏蔽（规则规定必收的除外）。"))
    lines += ["", _("—— 预算绩效目标管理系统（本邮件由系统自动发送，请勿直接回复）")]
    return "\n".join(lines)


def message_id(digest) -> str:
    """Stable per digest, so a message sent twice (a crash right after the server accepted it) is
    recognisable as the same message by mail servers and clients."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<reminder-{digest.pk}-{digest.day:%Y%m%d}@{host}>"


def digest_email(digest, recipient) -> EmailMessage:
    name = recipient.get_full_name() or recipient.username
    body = digest_text(kind=digest.kind, day=digest.day, content=digest.content, name=name)
    return EmailMessage(
        subject=digest.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={"Message-ID": message_id(digest)},
    )
