from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.index, name="index"),
    path("focus-areas/propose/", views.propose, name="propose"),
    path("focus-areas/<slug:slug>/", views.focus_area, name="focus_area"),
    path("focus-areas/<slug:slug>/comment/", views.comment, name="comment"),
    path("focus-areas/<slug:slug>/pledge/", views.pledge, name="pledge"),
    path("votes/", views.votes, name="votes"),
    path("votes/<int:pk>/", views.vote_detail, name="vote_detail"),
    path("votes/<int:pk>/priorities/", views.confirm_priorities, name="confirm_priorities"),
]
