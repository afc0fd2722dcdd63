import pytest

from maillon.stats.recording import buffer


@pytest.fixture(autouse=True)
def empty_buffer():
    """Each test starts with no page view waiting (other tests' pages fill the process's buffer)."""
    buffer.clear()
    yield
    buffer.clear()


@pytest.fixture
def stat(org):
    """``stat(day, route, role=…, hour=…, device=…, views=…, visits=…, organisation=…)``: one daily aggregate."""
    from maillon.stats.models import DailyStat

    def make(day, route="leave:mine", *, role="staff", hour=10, device="phone", views=1, visits=1, organisation=None):
        return DailyStat.objects.create(organisation=organisation or org, date=day, route=route, role=role, hour=hour,
                                        weekday=day.weekday(), device=device, views=views, visits=visits)

    return make
