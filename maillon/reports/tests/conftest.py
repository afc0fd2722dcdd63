from maillon.spaces.tests.conftest import world  # noqa: F401  (a space across two organisations)
