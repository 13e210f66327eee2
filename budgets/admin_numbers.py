"""Decimals in the admin read as people write them (12, not 12.0000).

Django's admin formats a DecimalField with all its decimal places wherever it displays one (change
lists and read-only fields) through `display_for_field`; there is no setting for it, so that one
function is wrapped where the admin looks it up. Editable inputs are not affected."""

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models

from .money import grouped_number

_original = utils.display_for_field


def display_for_field(value, field, empty_value_display, avoid_link=False):
    if isinstance(field, models.DecimalField) and value is not None and not field.choices:
        return grouped_number(value)
    return _original(value, field, empty_value_display, avoid_link=avoid_link)


def install() -> None:
    for module in (utils, helpers, admin_list):
        module.display_for_field = display_for_field
