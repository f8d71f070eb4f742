"""The Documents pages: a list of one's documents, and a form to add or edit one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from demo.forms import DocumentForm
from demo.models import Document


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    documents = Document.objects.filter(owner=request.user).prefetch_related("attachments")
    return render(request, "demo/documents.html", {"documents": documents})


@login_required
def document_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    document = (
        get_object_or_404(Document, pk=pk, owner=request.user)
        if pk is not None
        else Document(owner=request.user)
    )
    form = DocumentForm(request.POST or None, instance=document, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("demo:documents")
    return render(request, "demo/document_form.html", {"form": form, "document": document})
