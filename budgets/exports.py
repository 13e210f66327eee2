"""Spreadsheet exports that cannot run anything when opened.

A text cell that starts with =, +, -, @, a tab or a carriage return is read by Excel and other
spreadsheet programs as a formula (`=HYPERLINK(...)` in a project name becomes a live link), so it
is written with a leading single quote, which those programs show as plain text. Numbers, and text
that is just a number such as "-12.5", are left as they are. Characters an .xlsx file cannot hold
(invisible control characters) are dropped, so such a value never breaks an export.

`safe_cell` is the rule; `neutralise_dataset` applies it to a tablib Dataset (django-import-export
admin exports) and `SafeTableExport` to django-tables2 exports. Use one of them for every export.
"""

import re

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django_tables2.export.export import TableExport
from tablib import Dataset

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)%?")


def safe_cell(value):
    if not isinstance(value, str):
        return value
    value = NOT_IN_XLSX.sub("", value)
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_dataset(dataset: Dataset) -> Dataset:
    safe = Dataset(title=dataset.title)
    if dataset.headers:
        safe.headers = [safe_cell(header) for header in dataset.headers]
    for row in dataset:
        safe.append([safe_cell(value) for value in row])
    return safe


class SafeTableExport(TableExport):
    """django-tables2's TableExport with safe cells and an RFC 5987 file name; CSV starts with a
    UTF-8 byte-order mark, so Excel opens the Chinese text right."""

    def export(self):
        exported = super().export()
        if self.format == "csv":
            return "\ufeff" + (exported.decode("utf-8") if isinstance(exported, bytes) else exported)
        return exported

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        return neutralise_dataset(super().table_to_dataset(table, exclude_columns, dataset_kwargs))

    def response(self, filename=None):
        response = HttpResponse(content_type=self.content_type())
        if filename is not None:
            response["Content-Disposition"] = content_disposition_header(True, filename)
        response.write(self.export())
        return response


UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def export_name(*parts) -> str:
    """A file name people recognise: department, year and table, joined by "-"."""
    return "-".join(UNSAFE_IN_NAMES.sub("_", str(part)).strip("_") for part in parts if str(part).strip())
