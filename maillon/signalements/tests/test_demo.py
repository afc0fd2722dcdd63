"""The demo seeder: problem reports in three communes of the demo's groupement, after its seeder."""

from types import SimpleNamespace

from maillon.citizens.models import Moderation
from maillon.citizens.public import commune_enabled
from maillon.communes.demo import seed_communes
from maillon.signalements.demo import seed_signalements
from maillon.signalements.models import Category, Report, ReportUpdate


def test_it_seeds_three_communes_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    seed_signalements(SimpleNamespace(people={}, logins=[]))  # no groupement yet: nothing
    assert not Report.objects.exists()
    seed_communes(SimpleNamespace(people={}, logins=[]))
    seed_signalements(None)
    communes = {r.organisation for r in Report.objects.select_related("organisation")}
    assert len(communes) == 3 and all(commune_enabled(c.slug, "problem_reports") for c in communes)
    assert Report.objects.count() == 10
    assert set(Report.objects.values_list("status", flat=True)) == set(Report.Status.values)
    assert Report.objects.filter(moderation=Moderation.PENDING).count() == 3
    assert Report.objects.filter(moderation=Moderation.REJECTED).count() == 1
    assert Report.objects.exclude(photo="").count() == 2
    assert ReportUpdate.objects.count() == 7
    assert Category.objects.filter(organisation__in=communes).count() == 18
    for report in Report.objects.exclude(status=Report.Status.NEW):
        assert report.updates.order_by("-created_at", "-pk").first().status == report.status
    seed_signalements(None)
    assert Report.objects.count() == 10
