from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("feed.ics", views.events_feed, name="feed"),
    path("mine/", views.my_registrations, name="mine"),
    path("mine/<int:pk>/cancel/", views.registration_cancel, name="cancel"),
    path("statistics/", views.statistics, name="statistics"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/signup/", views.event_signup, name="signup"),
    path("<slug:slug>/ics", views.event_ics_download, name="ics"),
    path("<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("<slug:slug>/badges/", views.badges, name="badges"),
    path("<slug:slug>/certificates/", views.certificates, name="certificates"),
]
