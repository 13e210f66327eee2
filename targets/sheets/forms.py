"""Forms of the target sheet page: the indicators (one small form per row, plus new rows), the
project facts and funds, and the overall goal. Fields carry the value shown (show_hidden_initial),
so only what the person changed is written."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.money import plain_number
from budgets.services import PROJECT_EDITABLE_FIELDS

NEW_ROWS = 3


def _char(label, limit, *, required=False, textarea=False):
    widget = forms.Textarea(attrs={"rows": 2}) if textarea else None
    return forms.CharField(label=label, required=required, max_length=limit, widget=widget, show_hidden_initial=True)


class IndicatorRowForm(forms.Form):
    level1 = _char(_("一级指标"), 100)
    level2 = _char(_("二级指标"), 100)
    name = _char(_("三级指标"), 500)
    value = _char(_("指标值"), 300)
    unit = _char(_("度量单位"), 32)
    weight = forms.DecimalField(
        label=_("分值"), required=False, min_value=0, max_value=100, decimal_places=2, show_hidden_initial=True
    )
    remove = forms.BooleanField(label=_("删除"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    FIELDS = ("level1", "level2", "name", "value", "unit", "weight")

    @staticmethod
    def initial_for(indicator) -> dict:
        return {
            "level1": indicator.level1_label,
            "level2": indicator.level2_label,
            "name": indicator.name,
            "value": indicator.target_text,
            "unit": indicator.unit,
            "weight": indicator.weight,
            "revision": indicator.revision,
        }

    def values_changed(self) -> bool:
        return any(name in self.changed_data for name in self.FIELDS)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ProjectFactsForm(forms.Form):
    implementing_unit = _char(_("实施单位"), 200)
    competent_department = _char(_("主管部门"), 200)
    responsible_person = _char(_("项目负责人"), 100)
    contact = _char(_("联系人"), 100)
    phone = _char(_("联系电话"), 50)
    start_date = forms.DateField(
        label=_("开始日期"), required=False, show_hidden_initial=True, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("结束日期"), required=False, show_hidden_initial=True, widget=forms.DateInput(attrs={"type": "date"})
    )
    FIELDS = (
        "implementing_unit",
        "competent_department",
        "responsible_person",
        "contact",
        "phone",
        "start_date",
        "end_date",
    )

    @classmethod
    def initial_for(cls, project) -> dict:
        return {name: getattr(project, name) for name in cls.FIELDS}

    def changed_values(self) -> dict:
        assert set(self.FIELDS) <= PROJECT_EDITABLE_FIELDS
        return {
            name: self.cleaned_data[name] or ("" if name not in ("start_date", "end_date") else None)
            for name in self.FIELDS
            if name in self.changed_data
        }


class FundsForm(forms.Form):
    total = _char(_("资金总额（万元）"), 30)
    fiscal = _char(_("财政拨款（万元）"), 30)
    carryover = _char(_("上年结转（万元）"), 30)
    other = _char(_("其他资金（万元）"), 30)
    FIELDS = ("total", "fiscal", "carryover", "other")

    @classmethod
    def initial_for(cls, funding) -> dict:
        if funding is None:
            return {}
        return {name: plain_number(getattr(funding, name)) for name in cls.FIELDS}

    def values_changed(self) -> bool:
        return any(name in self.changed_data for name in self.FIELDS)


class GoalForm(forms.Form):
    overall_goal = _char(_("总体目标"), 5000, textarea=True)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ProjectSheetForm(forms.Form):
    """A project and its annual target sheet typed in by hand."""

    department = forms.ModelChoiceField(label=_("部门"), queryset=None)
    year = forms.IntegerField(label=_("预算年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("项目名称"), max_length=300)
    implementing_unit = forms.CharField(label=_("实施单位"), max_length=200, required=False)
    overall_goal = forms.CharField(
        label=_("年度总体目标"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
