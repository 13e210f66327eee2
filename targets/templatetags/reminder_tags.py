from django import template

from targets.reminders.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_reminder_count(context) -> int:
    """The signed-in user's unread reminders, for the header (one query per page)."""
    request = context.get("request")
    return unread_count(request.user) if request is not None else 0
