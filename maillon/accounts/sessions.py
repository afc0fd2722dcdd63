"""Sessions are opened by allauth only.

allauth is the one login path (password limits, MFA, passkeys). A session that another login
form opened (a library's leftover Django ``LoginView``, a future one nobody noticed) would skip
the second factor, so such a session is closed on its first request: defence in depth behind
the URL map, which mounts no other login form (tested by ``test_login_paths``).
"""

from django.contrib.auth import SESSION_KEY as AUTH_USER_KEY

SESSION_KEY = "maillon.login_by"


def mark_opened_by_allauth(session, user) -> None:
    """Record in the session that allauth's login flow (MFA included) opened it for ``user``."""
    session[SESSION_KEY] = str(user.pk)


def opened_elsewhere(session) -> bool:
    """A logged-in session that allauth did not open (or opened for another person)."""
    user_id = session.get(AUTH_USER_KEY)
    return user_id is not None and session.get(SESSION_KEY) != str(user_id)


def on_allauth_login(sender, request, user, **kwargs) -> None:
    """allauth's ``user_logged_in`` signal: sent at the end of its flow, after the second factor."""
    mark_opened_by_allauth(request.session, user)
