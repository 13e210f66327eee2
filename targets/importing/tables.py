"""The list of uploaded disclosures in the workspace."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import DisclosureImport


class UploadTable(tables.Table):
    original_name = tables.Column(verbose_name=_("文件"))
    department = tables.Column(verbose_name=_("部门"))
    year = tables.Column(verbose_name=_("年度"))
    status = tables.Column(verbose_name=_("状态"))
    created_by = tables.Column(verbose_name=_("上传人"))
    created_at = tables.DateTimeColumn(verbose_name=_("上传时间"), format="Y-m-d H:i")

    class Meta:
        model = DisclosureImport
        fields = ()
        sequence = ("original_name", "department", "year", "status", "created_by", "created_at")
        orderable = False
        empty_text = _("还没有上传过公开文件。")

    def render_original_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("importing:detail", args=[record.pk]), record.original_name)

    def render_created_by(self, value):
        return value.get_full_name() or value.username
