"""django-celery-beat's admin, with each bulk action declaring the permission it needs: enabling,
disabling or running a scheduled job changes it, so only those who may change periodic tasks get them
(system administrators; no department role holds that permission)."""

from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask


def _changing(action):
    def run(modeladmin, request, queryset):
        return action(modeladmin, request, queryset)

    run.__name__ = action.__name__
    return admin.action(description=action.short_description, permissions=["change"])(run)


class PeriodicTaskAdmin(BeatPeriodicTaskAdmin):
    enable_tasks = _changing(BeatPeriodicTaskAdmin.enable_tasks)
    disable_tasks = _changing(BeatPeriodicTaskAdmin.disable_tasks)
    toggle_tasks = _changing(BeatPeriodicTaskAdmin.toggle_tasks)
    run_tasks = _changing(BeatPeriodicTaskAdmin.run_tasks)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)
