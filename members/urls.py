from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="list"),
    path("me/", views.me, name="me"),
    path("me/affiliations/", views.affiliation_request, name="affiliation_request"),
    path(
        "me/affiliations/<int:pk>/withdraw/",
        views.affiliation_withdraw,
        name="affiliation_withdraw",
    ),
    path("me/data.json", views.data_export, name="data_export"),
    path("me/delete/", views.account_delete, name="account_delete"),
    path("board/", views.board, name="board"),
    path("engagement/", views.engagement, name="engagement"),
    path(
        "engagement/export.<str:file_format>",
        views.engagement_export,
        name="engagement_export",
    ),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
]
