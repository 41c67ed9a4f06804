from django.urls import path

from . import views

app_name = "siteinfo"

urlpatterns = [
    path("<slug:slug>/", views.page, name="page"),
]
