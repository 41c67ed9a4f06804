from django.urls import path

from . import views

app_name = "invoicing"

urlpatterns = [
    path("<int:pk>/pdf", views.invoice_pdf_download, name="pdf"),
    path("<int:pk>/xml", views.invoice_xml_download, name="xml"),
]
