"""The three pages a library draws (Swagger UI, Django's admin, Wagtail's admin) under the policy
each gets, in Chromium: no Content-Security-Policy violation while they are used; and Wagtail's
editor still breaks under the strict policy, which is why /cms/ keeps 'unsafe-inline' (when a
Wagtail release stops needing it, the last test fails and the exception can go)."""

import pytest

from maillon.accounts.roles import Role
from maillon.core import middleware
from maillon.testing import OrganisationFactory, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit(browser, page, path):
    response = page.goto(browser.url + path)
    assert response.status == 200, path
    assert page.url == browser.url + path, f"{path} went to {page.url}"
    return response


def test_api_docs_and_django_admin_work_under_the_strict_policy(browser):
    org = OrganisationFactory(slug="csp")
    superuser = make_member(org, username="super.csp")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    page = browser.desktop()
    browser.force_login(page, superuser)

    response = _visit(browser, page, "/api/v1/docs")
    assert "'unsafe" not in response.headers["content-security-policy"]
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/me").first
    operation.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".response .response-col_status", has_text="200").first.wait_for()

    response = _visit(browser, page, "/django-admin/")
    assert "'unsafe" not in response.headers["content-security-policy"]
    _visit(browser, page, "/django-admin/auth/group/add/")
    page.locator("#id_name").fill("Groupe CSP")
    page.locator("#id_permissions_from option").first.dblclick()  # SelectFilter2 moves it across
    assert page.locator("#id_permissions_to option").count() == 1
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/django-admin/auth/group/")
    page.locator("input.action-select").first.check()  # the actions bar (actions.js)
    assert page.locator(".action-counter").is_visible()
    _visit(browser, page, "/django-admin/django_tasks_database/dbtaskresult/")
    assert browser.csp_violations() == []
    # Django's admin links no favicon: the browser's own request for /favicon.ico is a 404.
    assert [p for p in browser.problems if "status of 404" not in p] == []


def _news_editor(browser, tmp_path, settings):
    from maillon.content.editors import ensure_home

    settings.MEDIA_ROOT = tmp_path
    org = OrganisationFactory(slug="csp")
    make_member(org, Role.COMMUNICATION, username="com.csp")
    home = ensure_home(org)
    page = browser.desktop()
    from maillon.accounts.models import User

    browser.force_login(page, User.objects.get(username="com.csp"))
    return page, home


def test_wagtail_admin_works_under_its_policy_without_unsafe_eval(browser, tmp_path, settings):
    page, home = _news_editor(browser, tmp_path, settings)
    response = _visit(browser, page, "/cms/")
    assert response.headers["content-security-policy"] == middleware.WAGTAIL_ADMIN
    _visit(browser, page, f"/cms/pages/{home.pk}/")
    _visit(browser, page, f"/cms/pages/add/content/newspage/{home.pk}/")
    page.locator("#id_title").fill("Fête de quartier")
    page.locator("#id_date").fill("2026-06-20")  # opens the date picker (an inline-initialised widget)
    page.locator(".xdsoft_datetimepicker:visible").wait_for()
    page.locator("#id_title").click()  # closes it
    page.locator(".xdsoft_datetimepicker:visible").wait_for(state="detached")
    page.locator('[data-side-panel-toggle="checks"]').click()  # axe, on the preview (an iframe)
    page.locator('[data-side-panel="checks"]').wait_for()
    page.get_by_role("button", name="Choisir une image").first.click()  # the chooser modal
    page.locator(".modal-dialog .modal-body form").first.wait_for()
    page.locator('.modal [data-dismiss="modal"]').first.click()
    page.locator(".modal-dialog").first.wait_for(state="hidden")
    page.locator("button.w-dropdown__toggle.button").first.click()
    page.locator('button[name="action-publish"]').click()
    page.wait_for_url(f"**/cms/pages/{home.pk}/")
    _visit(browser, page, "/cms/images/multiple/add/")
    page.wait_for_timeout(500)
    assert not [v for v in browser.csp_violations() if "eval" in v]
    browser.assert_clean()


def test_wagtail_editor_still_needs_inline_scripts(browser, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(middleware, "LOOSE_PREFIXES", ("/nothing-is-loose/",))
    page, home = _news_editor(browser, tmp_path, settings)
    _visit(browser, page, f"/cms/pages/add/content/newspage/{home.pk}/")
    page.wait_for_timeout(500)
    assert "script-src-elem inline" in browser.csp_violations()
