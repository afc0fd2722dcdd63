"""The admins' own login forms cannot be used to skip the second factor."""

import pytest

from maillon.testing import TEST_PASSWORD


@pytest.mark.parametrize("path", ["/cms/login/", "/django-admin/login/"])
def test_it_sends_admin_logins_to_the_mfa_aware_login(people, client, path):
    people.owner.is_superuser = people.owner.is_staff = True
    people.owner.save()
    response = client.post(path, {"username": people.owner.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_open_redirect_after_admin_login(client, db):
    response = client.get("/cms/login/?next=https://evil.example/")
    assert "evil.example" not in response["Location"]
