"""Everything under /<org>/parcours/: the framework (urls_framework), the logbook and people's pages
(urls_logbook), the publications (urls_publications)."""

from django.urls import include, path

from . import urls_framework, urls_logbook, urls_publications

app_name = "competencies"

org_urlpatterns = [
    path("parcours/", include(urls_logbook.urlpatterns)),
    path("parcours/referentiel/", include(urls_framework.urlpatterns)),
    path("parcours/publications/", include(urls_publications.urlpatterns)),
]
