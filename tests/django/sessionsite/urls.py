"""URLs of the session test site."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index),
    path("login", views.login_view),
    path("logout", views.logout_view),
    path("whoami", views.whoami),
    path("health", views.health),
]
