"""Demo: six weeks of daily statistics for the demo organisations, so the statistics page is not
empty (login ``directrice``). Counts invented by a seeded random draw: same demo every time."""

from __future__ import annotations

import random
from datetime import timedelta

DAYS = 42

# (route, weight): what a social centre's staff open most.
ROUTES = [
    ("dashboard", 30), ("leave:mine", 12), ("agenda:index", 14), ("procedures:index", 8), ("meetings:index", 6),
    ("meetings:minutes", 5), ("meetings:detail", 4), ("content:news", 5), ("content:documents", 4), ("directory:staff", 3),
    ("procedures:queue", 3), ("agenda:resources", 3), ("reception:history", 2), ("notifications:list", 4), ("leave:team", 2),
]
ROLES = [("staff", 20), ("coordinator", 4), ("supervisor", 3), ("reception", 2), ("hr", 2), ("director", 2),
         ("communication", 1), ("equipment_manager", 1), ("admin", 1)]
DEVICES = [("phone", 6), ("desktop", 4), ("tablet", 1)]


def _pick(draw, choices):
    return draw.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def build(organisation_id: int, last_day, *, size: int, seed: int) -> list:
    from .models import DailyStat

    draw = random.Random(seed)  # noqa: S311 - demo figures, not a secret
    counts: dict[tuple, list[int]] = {}
    for offset in range(DAYS):
        day = last_day - timedelta(days=offset)
        weekend = day.weekday() >= 5
        for _visit in range(draw.randint(size // 8, size // 5) if weekend else draw.randint(size * 2 // 3, size)):
            hour = draw.choice([8, 9, 9, 10, 11, 12, 13, 14, 14, 15, 16, 17, 18, 20]) if not weekend else draw.choice([10, 11, 17, 20])
            role, device = _pick(draw, ROLES), _pick(draw, DEVICES)
            for page_number in range(draw.randint(1, 6)):
                key = (day, _pick(draw, ROUTES), role, hour, day.weekday(), device)
                views_visits = counts.setdefault(key, [0, 0])
                views_visits[0] += 1
                views_visits[1] += 1 if page_number == 0 else 0
    return [DailyStat(organisation_id=organisation_id, date=day, route=route, role=role, hour=hour, weekday=weekday, device=device,
                      views=views, visits=visits) for (day, route, role, hour, weekday, device), (views, visits) in counts.items()]


def seed_stats(context) -> None:
    from . import services
    from .models import DailyStat

    yesterday = services.today() - timedelta(days=1)
    for organisation, size, seed in ((context.main, 48, 16), (context.second, 12, 61)):
        if DailyStat.objects.for_organisation(organisation).exists():
            continue  # seeding again keeps what is there
        DailyStat.objects.bulk_create(build(organisation.pk, yesterday, size=size, seed=seed), batch_size=1000)
