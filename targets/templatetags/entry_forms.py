"""{% load entry_forms %}: the hidden copy of a field's value as shown ({{ form.field|initial_hidden }}),
which lets a form tell what the person changed even when the stored value changed meanwhile."""

from django import template

register = template.Library()


@register.filter
def initial_hidden(bound_field):
    return bound_field.as_hidden(only_initial=True)
