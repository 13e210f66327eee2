"""django-import-export in the admin, made safe for every model that uses it.

`SpreadsheetImportExportMixin` (use it instead of import_export's ImportExportMixin):
- importing needs the model's add and change permissions, exporting its view permission, checked on
  every step (the import page, the confirmation that writes, the export);
- the uploaded file is vetted (budgets.uploads.vet_upload: size, type by content, zip bombs) before
  django-import-export opens it, and again before the confirmation step reads it back;
- bad parameters (a format that does not exist, a missing temporary file, filters that do not apply)
  get a Chinese message instead of a 500;
- exported cells cannot run as formulas (budgets.exports), and the file is named in Chinese.
"""

import os

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm

from .exports import neutralise_dataset
from .uploads import UploadRefused, vet_upload

# The file kind vet_upload finds for each format offered.
FORMAT_KINDS = {base_formats.CSV: "text", base_formats.XLSX: "xlsx"}


class VettedImportForm(ImportForm):
    # Set by the admin: the limits, and the file kind of each offered format (by index).
    max_bytes = 0
    max_unpacked_bytes = 0
    format_kinds: list[str] = []

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or chosen in (None, ""):
            return cleaned
        try:
            kind = vet_upload(
                upload,
                kinds=set(self.format_kinds),
                max_bytes=self.max_bytes,
                max_unpacked_bytes=self.max_unpacked_bytes,
            )
        except UploadRefused as exc:
            self.add_error("import_file", exc)
            return cleaned
        expected = self.format_kinds[int(chosen)]
        if kind != expected:
            self.add_error(
                "format",
                _("文件“%(name)s”与所选格式不符，请选择“%(format)s”。")
                % {"name": upload.name, "format": _format_title(kind)},
            )
        return cleaned


def _format_title(kind: str) -> str:
    return next(fmt().get_title() for fmt, k in FORMAT_KINDS.items() if k == kind)


class SpreadsheetImportExportMixin(ImportExportMixin):
    formats = list(FORMAT_KINDS)
    import_form_class = VettedImportForm

    def has_import_permission(self, request):
        opts = self.opts
        return super().has_import_permission(request) and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.max_bytes = settings.SPREADSHEET_IMPORT_MAX_BYTES
        form.max_unpacked_bytes = settings.SPREADSHEET_IMPORT_MAX_UNPACKED_BYTES
        form.format_kinds = [FORMAT_KINDS[fmt] for fmt in self.get_import_formats()]
        return form

    def add_data_read_fail_error_to_form(self, form, e):
        name = getattr(form.cleaned_data.get("import_file"), "name", "")
        form.add_error("import_file", _("无法读取文件“%(name)s”：请确认它是所选格式的表格。") % {"name": name})

    def _import_url(self):
        return reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)

    def _changelist_url(self):
        return reverse("admin:{}_{}_changelist".format(*self.get_model_info()), current_app=self.admin_site.name)

    def _confirmed_file_problem(self, request) -> str | None:
        """Why the confirmation cannot be processed, in Chinese, or None. The temporary file was vetted
        when uploaded; it is vetted again because only its name comes back with the confirmation."""
        form = ConfirmImportForm(request.POST)
        if not form.is_valid():
            return _("导入确认信息不完整，请重新上传文件。")
        formats = self.get_import_formats()
        chosen = form.cleaned_data["format"]
        if not chosen.isdigit() or int(chosen) >= len(formats):
            return _("导入格式无效，请重新上传文件。")
        storage = self.get_tmp_storage_class()(name=form.cleaned_data["import_file_name"])
        path = getattr(storage, "get_full_path", lambda: None)()
        if path is None or not os.path.isfile(path):
            return _("待导入的文件已过期或不存在，请重新上传。")
        with open(path, "rb") as handle:
            try:
                vet_upload(
                    handle,
                    name=form.cleaned_data["original_file_name"],
                    kinds={FORMAT_KINDS[formats[int(chosen)]]},
                    max_bytes=settings.SPREADSHEET_IMPORT_MAX_BYTES,
                    max_unpacked_bytes=settings.SPREADSHEET_IMPORT_MAX_UNPACKED_BYTES,
                )
            except UploadRefused as exc:
                return " ".join(exc.messages)
        return None

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        problem = self._confirmed_file_problem(request)
        if problem:
            self.message_user(request, problem, level=messages.ERROR)
            return redirect(self._import_url())
        return super().process_import(request, **kwargs)

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            response = super().export_action(request)
        except IncorrectLookupParameters:
            message = _("导出条件无效（筛选条件或参数有误），请在列表页重新筛选后导出。")
            self.message_user(request, message, messages.ERROR)
            return redirect(self._changelist_url())
        if response.has_header("Content-Disposition"):
            extension = response["Content-Disposition"].rsplit(".", 1)[-1].strip('"')
            name = f"{self.opts.verbose_name_plural}-{timezone.localdate():%Y-%m-%d}.{extension}"
            response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def get_data_for_export(self, request, queryset, **kwargs):
        return neutralise_dataset(super().get_data_for_export(request, queryset, **kwargs))
