"""Admin building blocks: read-only pages, and forms whose save is a service call so that a
service's refusal is shown on the form.

Django's admin validates the form, then calls save_model, where an exception can only become a 500.
Here the form's clean() hands the cleaned data to the service (`apply`); a ValidationError or
PermissionDenied becomes the form's message and the page is shown again with what was typed. The
admin's change view runs in one transaction, so nothing else is written after a refusal, and the
form's own model validation is skipped: the service validates (full_clean) what it writes.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def error_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("您没有执行此操作的权限。")]


class ServiceForm(forms.ModelForm):
    actor = None  # the signed-in user, set by ServiceFormAdmin.get_form
    saved = None  # what the service returned

    def apply(self, data: dict):
        """Call the service with the cleaned data and return the saved instance."""
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.saved = self.apply(data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error_messages(exc))
        return data

    def _post_clean(self):
        """The service has validated and saved; the stale instance is not validated again."""


class ReadOnlyAdmin(admin.ModelAdmin):
    """Pages to read: no adding, saving or deleting here (services change these rows elsewhere)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceFormAdmin(admin.ModelAdmin):
    """A ModelAdmin whose form is a ServiceForm: saving shows the saved record."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        obj.pk = form.saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """Nothing to save: the service wrote everything."""
