"""Downloads of uploaded disclosures, for those who may see the upload's department."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views import View

from budgets.downloads import attachment_response

from .selectors import disclosure_imports_for


class UploadFileView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(disclosure_imports_for(request.user), pk=pk)
        return attachment_response(job.file, job.original_name)
