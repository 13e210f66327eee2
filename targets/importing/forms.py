from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.selectors import departments_for


class DisclosureUploadForm(forms.Form):
    file = forms.FileField(label=_("公开文件"), help_text=_("支持 .txt、.md、.html、.docx、.xlsx、.pdf"))
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=None, required=False, help_text=_("系统管理员可留空，按文件中的部门名称匹配")
    )
    year = forms.IntegerField(
        label=_("预算年度"), required=False, min_value=2000, max_value=2100, help_text=_("留空则从文件识别")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user)
        self.fields["department"].required = not user.is_superuser
