"""The page django-axes shows once a user name is locked out from an address, in Chinese, with the
cool-off in minutes (axes itself only passes a timedelta, which a template cannot show as minutes)."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(
        request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE
    )
