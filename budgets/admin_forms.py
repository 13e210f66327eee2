"""Admin forms that run the model's whole validation before a service is called.

A ModelForm skips every unique check and constraint that involves a field it does not show, so with
read-only department and year, renaming a project to a name its department already uses for that
year passed the form and failed inside the service: a 500. `FullyValidatedModelForm` runs those
checks too and puts each message on the one form field it concerns (or at the top of the form), in
the model's own Chinese words; constraints without a message of their own are described from their
fields, never by their internal name.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import UniqueConstraint
from django.utils.translation import gettext as _


class FullyValidatedModelForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        self._drop_internal_constraint_messages()
        invalid = {name for name in self.errors if name != NON_FIELD_ERRORS}
        for field, message in self._model_errors(exclude=invalid):
            target = field if field in self.fields else None
            if message not in self.errors.get(target or NON_FIELD_ERRORS, []):
                self.add_error(target, message)

    def _drop_internal_constraint_messages(self):
        """Django's own check names a constraint that has no message by its internal name; those
        constraints are checked again below and described in words."""
        internal = {
            str(constraint.get_violation_error_message())
            for _model, constraints in self.instance.get_constraints()
            for constraint in constraints
            if constraint.violation_error_message == constraint.default_violation_error_message
        }
        for field, errors in list(self._errors.items()):
            errors.data = [errors.data[i] for i in range(len(errors)) if errors[i] not in internal]
            if not errors:
                del self._errors[field]

    def _model_errors(self, *, exclude: set[str]):
        instance = self.instance
        try:
            instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                yield from ((field, message) for message in messages)
        for model, constraints in instance.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, instance, exclude=exclude)
                except ValidationError as error:
                    yield self._constraint_error(model, constraint, error)

    def _constraint_error(self, model, constraint, error: ValidationError) -> tuple[str, str]:
        fields = list(getattr(constraint, "fields", ()) or ())
        shown = [name for name in fields if name in self.fields]
        field = shown[0] if len(shown) == 1 else NON_FIELD_ERRORS
        if constraint.violation_error_message != constraint.default_violation_error_message:
            return field, " ".join(error.messages)
        opts = model._meta
        if isinstance(constraint, UniqueConstraint) and fields:
            labels = "、".join(str(opts.get_field(name).verbose_name) for name in fields)
            return field, _("已有%(fields)s都相同的%(model)s。") % {"fields": labels, "model": opts.verbose_name}
        return field, _("填写的内容不符合%(model)s的数据规则，请检查后再保存。") % {"model": opts.verbose_name}
