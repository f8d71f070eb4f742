from __future__ import annotations

from django.urls import path

from demo import views

app_name = "demo"
urlpatterns = [
    path("", views.document_list, name="documents"),
    path("new", views.document_edit, name="document-new"),
    path("<int:pk>/edit", views.document_edit, name="document-edit"),
]
