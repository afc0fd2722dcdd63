from maillon.core.registry import dashboard_place

from .models import NewsPage, pages_of


@dashboard_place("news", 10)
def news_panel(request):
    """The five latest news items of the organisation (two queries, whatever their number)."""
    news = list(pages_of(request.organisation, NewsPage).only("title", "url_path", "path", "depth", "date", "category", "intro").order_by("-date", "-pk")[:5])
    return {"news": news, "organisation": request.organisation}
