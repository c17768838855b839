"""`/sitemap.xml`, included from config/urls.py with one line."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from civicplan.publications.sitemaps import SITEMAPS

urlpatterns = [
    path("", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
