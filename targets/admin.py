"""The targets admin, one module per capability (Django discovers only this one)."""

from .assessment import admin as assessment_admin
from .importing import admin as importing_admin
from .monitoring import admin as monitoring_admin
from .periods import admin as periods_admin
from .reminders import admin as reminders_admin
from .reports import admin as reports_admin
from .schedules import admin as schedules_admin
from .sheets import admin as sheets_admin

__all__ = [
    "assessment_admin",
    "importing_admin",
    "monitoring_admin",
    "periods_admin",
    "reminders_admin",
    "reports_admin",
    "schedules_admin",
    "sheets_admin",
]
