from .models import NewsPage, pages_of


def news_panel(request):
    """The five latest news items of the organisation (two queries, whatever their number)."""
    news = list(pages_of(request.organisation, NewsPage).only("title", "url_path", "path", "depth", "date", "category", "intro").order_by("-date", "-pk")[:5])
    return {"news": news, "organisation": request.organisation}
