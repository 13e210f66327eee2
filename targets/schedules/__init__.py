"""The Celery beat schedules (django-celery-beat) of every scheduled job, as system administrators see them."""
