import re

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from .selectors import import_departments_for


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
        self.fields["department"].queryset = import_departments_for(user)
        self.fields["department"].required = not user.is_superuser


PASTED_NAME = "粘贴的文本.txt"
PASTE_LIMIT = 2 * 1024 * 1024


class WorkspaceUploadForm(forms.Form):
    """A disclosure as a file, or its text pasted from a web page (the most common source)."""

    file = forms.FileField(
        label=_("公开文件"), required=False, help_text=_("支持 .txt、.md、.html、.docx、.xlsx、.pdf")
    )
    text = forms.CharField(
        label=_("或粘贴网页上的文字"),
        required=False,
        max_length=PASTE_LIMIT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": _("把网页上的绩效目标表整页复制后粘贴到这里")}),
    )
    department = forms.ModelChoiceField(label=_("导入到部门"), queryset=None, empty_label=None)
    year = forms.IntegerField(
        label=_("预算年度"), required=False, min_value=2000, max_value=2100, help_text=_("留空则从文件识别")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = import_departments_for(user).order_by("path")
        self.fields["department"].queryset = departments
        if not self.is_bound:
            self.initial.setdefault("department", departments.first())

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError(_("请只选择文件或只粘贴文字，不要同时提供。"))
        if not upload and not text:
            raise forms.ValidationError(_("请选择文件，或粘贴网页上的文字。"))
        return data

    def uploaded_file(self):
        """The file to import: the upload, or the pasted text as a UTF-8 text file."""
        if self.cleaned_data.get("file"):
            return self.cleaned_data["file"]
        return SimpleUploadedFile(PASTED_NAME, self.cleaned_data["text"].encode("utf-8"), "text/plain")


_READING_FIELD = re.compile(r"^r(?P<key>\d{1,4}-\d{1,5})-(?P<name>level1|level2|level3|value|drop)$")


def submitted_corrections(data) -> dict:
    """The rows of a readings form ("r2-5-level3" = the name in the sixth row of the third sheet) as
    {key: {level1, level2, level3, value, drop}}; the service checks every value."""
    found: dict[str, dict] = {}
    for field_name in data:
        match = _READING_FIELD.match(field_name)
        if match:
            found.setdefault(match["key"], {})[match["name"]] = data.get(field_name)
    return found
