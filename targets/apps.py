from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = _("绩效目标")

    def ready(self):
        from budgets.audit import register_events

        from .events import EVENTS
        from .reminders.events import EVENTS as REMINDER_EVENTS

        register_events(EVENTS)
        register_events(REMINDER_EVENTS)
