"""Geometry of the server-rendered SVG charts (templates/stats/partials/*.svg.html draw it).
Sizes are in viewBox units: the SVG scales to its box; 320 units wide is about the box of a
390 px phone, so a 13-unit label is drawn at about 13 px there."""

from __future__ import annotations

from django.utils.formats import date_format

WIDTH = 320


def _scale(top: int) -> int:
    return max(top, 1)


def columns(points: list[dict], key: str, height: int = 140) -> dict:
    """A column per day (``points`` from reports.per_day); a date under the first column of each
    week (30 days) or month (90 and 365 days)."""
    left, bottom = 34, 20
    count = max(len(points), 1)
    step = (WIDTH - left) / count
    top = _scale(max((p[key] for p in points), default=0))
    bars, ticks = [], []
    for index, point in enumerate(points):
        value = point[key]
        bar_height = round(value / top * (height - bottom - 8), 1)
        x = round(left + index * step, 2)
        bars.append({"x": x, "y": round(height - bottom - bar_height, 1), "w": round(max(step * 0.8, 0.6), 2), "h": bar_height,
                     "title": f"{date_format(point['date'], 'j F Y')} : {value}"})
        day = point["date"]
        if (count <= 31 and day.weekday() == 0) or (count > 31 and day.day == 1):
            ticks.append({"x": x, "text": date_format(day, "j/m" if count <= 90 else "M")})
    return {"width": WIDTH, "height": height, "left": left, "base": height - bottom, "bars": bars, "ticks": ticks,
            "top": top if top > 1 or any(p[key] for p in points) else 0, "top_y": 8}


def rows(items: list[dict], key: str = "views", label: str = "label") -> dict:
    """Horizontal bars, the label above each bar and the number at its end."""
    line = 36
    top = _scale(max((item[key] for item in items), default=0))
    bars = []
    for index, item in enumerate(items):
        y = index * line
        bar_width = round(item[key] / top * (WIDTH - 60), 1)
        bars.append({"y": y, "bar_y": y + 18, "w": bar_width, "value_x": bar_width + 6, "label": item[label], "value": item[key]})
    return {"width": WIDTH, "height": max(len(items) * line, line), "bars": bars}


def heat_map(grid: list[list[int]], day_names: list[str]) -> dict:
    """7 rows (Monday first) × 24 hours; the darker, the more views."""
    left, top_margin, cell = 36, 16, 13
    top = _scale(max((value for row in grid for value in row), default=0))
    cells = []
    for weekday, row in enumerate(grid):
        for hour, value in enumerate(row):
            cells.append({"x": left + hour * cell, "y": top_margin + weekday * cell, "size": cell - 1,
                          "opacity": round(0.06 + 0.94 * value / top, 2) if value else 0.04,
                          "title": f"{day_names[weekday]} {hour} h : {value}"})
    return {"width": left + 24 * cell, "height": top_margin + 7 * cell + 2, "cells": cells,
            "days": [{"y": top_margin + index * cell + cell - 3, "text": name[:3]} for index, name in enumerate(day_names)],
            "hours": [{"x": left + hour * cell + cell / 2, "text": str(hour)} for hour in range(0, 24, 3)]}
