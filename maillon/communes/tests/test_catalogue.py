from hypothesis import given
from hypothesis import strategies as st

from maillon.communes import catalogue


def test_keys_are_unique_and_service_finds_each():
    assert len(set(catalogue.KEYS)) == len(catalogue.SERVICES)
    assert catalogue.service("leave").nav_keys == {"leave", "leave_team"}


@given(st.sets(st.sampled_from(catalogue.KEYS)))
def test_a_namespace_is_open_exactly_when_an_enabled_service_covers_it(enabled):
    for namespace in catalogue.COVERED_NAMESPACES:
        expected = any(namespace in catalogue.service(k).namespaces for k in enabled)
        assert catalogue.namespace_allowed(namespace, enabled) is expected
    for nav_key in catalogue.COVERED_NAV:
        assert catalogue.nav_allowed(nav_key, enabled) is any(nav_key in catalogue.service(k).nav_keys for k in enabled)
    # What no service covers is always open.
    assert catalogue.namespace_allowed("accounts", enabled) and catalogue.nav_allowed("dashboard", enabled)
