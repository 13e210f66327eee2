from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MUTABLE_KINDS, ReminderKind


class MuteForm(forms.Form):
    """Which kinds of reminder the user does not want; mandatory kinds are shown but cannot be ticked."""

    muted = forms.MultipleChoiceField(
        label=_("不再接收以下提醒"),
        required=False,
        choices=[(kind.value, kind.label) for kind in MUTABLE_KINDS],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, locked: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = set(locked) - {ReminderKind.ESCALATION}
        self.fields["muted"].help_text = _("逾期督办始终发送，不能屏蔽。")
        if self.locked:
            names = "、".join(str(ReminderKind(kind).label) for kind in sorted(self.locked))
            self.fields["muted"].help_text = _("逾期督办及%(kinds)s按规定必须接收，不能屏蔽。") % {"kinds": names}
            self.fields["muted"].choices = [c for c in self.fields["muted"].choices if c[0] not in self.locked]
