"""Rule profiles: read the current version; change one by making a new version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.audit import audit_record

from .models import RuleProfile

DEFAULT_PROFILE = "默认规则"
EDITABLE = [
    f.name
    for f in RuleProfile._meta.concrete_fields
    if f.name not in {"id", "name", "version", "is_current", "previous", "reason", "created_by", "created_at"}
]


def current_profile(name: str = DEFAULT_PROFILE) -> RuleProfile:
    profile = RuleProfile.objects.filter(name=name, is_current=True).first()
    if profile is None:
        raise ValidationError(_("评分规则“%(name)s”不存在。") % {"name": name})
    return profile


@transaction.atomic
def rule_profile_revise(*, profile: RuleProfile, reason: str, actor, **changes) -> RuleProfile:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if not (reason or "").strip():
        raise ValidationError(_("修改评分规则必须说明理由。"))
    profile = RuleProfile.objects.select_for_update().get(pk=profile.pk)
    if not profile.is_current:
        raise ValidationError(_("只能在当前版本的基础上修改。"))
    diff = {k: [str(getattr(profile, k)), str(v)] for k, v in changes.items() if getattr(profile, k) != v}
    if not diff:
        return profile
    profile.is_current = False
    profile.save(update_fields=["is_current"])
    revised = RuleProfile(
        **{f: getattr(profile, f) for f in EDITABLE},
        name=profile.name,
        version=profile.version + 1,
        previous=profile,
        reason=reason.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for field, value in changes.items():
        setattr(revised, field, value)
    revised.full_clean()
    revised.save()
    audit_record(actor=actor, action="rule_profile.revise", subject=revised, changes=diff)
    return revised


@transaction.atomic
def rule_profile_create(*, name: str, reason: str, actor, **values) -> RuleProfile:
    if RuleProfile.objects.filter(name=name).exists():
        raise ValidationError(_("评分规则“%(name)s”已存在，请在其基础上修订。") % {"name": name})
    profile = RuleProfile(
        name=name,
        reason=reason,
        version=1,
        is_current=True,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action="rule_profile.create", subject=profile)
    return profile
