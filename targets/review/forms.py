"""The forms of the review page: return (the whole record, or ticked indicators each with its
reason), reopen with a reason, and adjust or clear one row's score with a reason. The services
decide; these forms only read what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.models import Department

from ..models import ReviewStatus

TEXT_LIMIT = 2000


def _reason(label, required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


class ReturnForm(forms.Form):
    """Ticked indicators are returned alone (the rest stays locked); with none ticked the whole
    record is returned. An indicator whose reason is typed counts as ticked."""

    message = _reason(_("退回原因"), required=False)

    def __init__(self, *args, indicator_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_ids = list(indicator_ids)
        for pk in self.indicator_ids:
            self.fields[f"indicator_{pk}"] = forms.BooleanField(label=_("退回此指标"), required=False)
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("此指标的退回原因"), required=False, max_length=TEXT_LIMIT, strip=True
            )

    def indicator_messages(self) -> dict[int, str]:
        data = self.cleaned_data
        return {
            pk: data.get(f"reason_{pk}", "")
            for pk in self.indicator_ids
            if data.get(f"indicator_{pk}") or data.get(f"reason_{pk}")
        }


class ReopenForm(forms.Form):
    reason = _reason(_("重新打开的理由"))


class OverrideForm(forms.Form):
    """One row's adjusted score (blank with `clear` to remove the adjustment) and the reason."""

    result = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(
        label=_("调整后得分"), required=False, min_value=0, max_digits=6, decimal_places=2, localize=False
    )
    reason = forms.CharField(label=_("调整理由"), required=True, max_length=TEXT_LIMIT, strip=True)
    clear = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("clear") and data.get("score") is None and "score" not in self.errors:
            self.add_error("score", _("请填写调整后得分；如要取消调整，请使用“取消调整”。"))
        return data


class QueueFilterForm(forms.Form):
    STATUSES = [
        (ReviewStatus.SUBMITTED, _("待审核")),
        (ReviewStatus.RETURNED, _("已退回")),
        (ReviewStatus.APPROVED, _("已审核通过")),
    ]
    KINDS = [("", _("全部")), ("evaluation", _("绩效自评")), ("monitoring", _("绩效运行监控"))]

    status = forms.ChoiceField(label=_("状态"), choices=STATUSES, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=KINDS, required=False)
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=Department.objects.none(), required=False, empty_label=_("全部部门")
    )
    late_only = forms.BooleanField(label=_("只看逾期提交"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
