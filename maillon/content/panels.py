from maillon.core.prepared import prepared
from maillon.core.registry import dashboard_place

from .models import NewsPage, pages_of


@prepared(organisation=-840_001)
def _latest(organisation):
    return (pages_of(organisation, NewsPage).only("title", "url_path", "path", "depth", "date", "category", "intro")
            .order_by("-date", "-pk")[:5])


@dashboard_place("news", 10)
def news_panel(request):
    """The five latest news items of the organisation (one query, whatever their number)."""
    news = list(_latest(organisation=request.organisation.pk))
    return {"news": news, "organisation": request.organisation}
