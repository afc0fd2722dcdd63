from maillon.mailings import services
from maillon.mailings.models import Category


def draft(scope, subject="Formation", body="<p>Bonjour <strong>à tous</strong></p>", criteria=None, category="Formations"):
    cat, _created = Category.objects.get_or_create(organisation=scope.organisation, name=category)
    return services.save_draft(scope, subject=subject, body=body, category=cat, criteria=criteria or {})
