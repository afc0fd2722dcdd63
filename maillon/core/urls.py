"""Root addresses of the platform that belong to no app (discovered by maillon/urls.py)."""

from django.urls import path

from . import securitytxt

urlpatterns = [
    path(".well-known/security.txt", securitytxt.security_txt, name="security_txt"),
]
