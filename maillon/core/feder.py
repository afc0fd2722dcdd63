"""The EU co-funding mention (FEDER / ERDF publicity, seed 001: « Réf. FEDER-2018-PS-8 »).

An organisation whose project is co-financed turns on ``Organisation.show_feder_block`` (its
settings page; on in the demo). Its pages then show the emblem and the mention (the layout's
footer, the login page), and so does everything Maillon sends or prints for it:

- every PDF (``core.pdf.HousePDF(feder=True)``: the EU emblem and the mention on each page);
- every e-mail: the text templates end with ``{% load feder %}{% feder_mention ... %}``, e-mails
  built in code append ``email_signature(organisation)``.

An e-mail that belongs to no organisation (password reset, an account-level notification)
carries the mention when one of the person's organisations shows it; one sent to no known
person (allauth's « unknown account ») when an active organisation of the instance shows it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The sentence seed 001 requires on every medium (« Publicité », Réf. FEDER-2018-PS-8), as the
# pages' block (ui/partials/feder.html) says it.
MENTION = _("This project is co-financed by the European Union with the ERDF")


def shown(organisation=None, *, user=None) -> bool:
    """Whether the mention goes with a document or e-mail of ``organisation`` (or, without one,
    sent to ``user``)."""
    if organisation is not None:
        return bool(organisation.show_feder_block)
    from maillon.organisations.models import Organisation

    if user is not None and getattr(user, "pk", None):
        from maillon.accounts.models import Membership

        return Membership.objects.active().filter(user=user, organisation__show_feder_block=True).exists()
    return Organisation.objects.filter(is_active=True, show_feder_block=True).exists()


def mention(organisation=None, *, user=None) -> str:
    """The mention, translated, or "" when it does not apply."""
    return str(MENTION) if shown(organisation, user=user) else ""


def email_signature(organisation=None, *, user=None) -> str:
    """For a plain-text e-mail built in code: « \\n\\n--\\n<mention> », or "" when it does not apply."""
    text = mention(organisation, user=user)
    return f"\n\n--\n{text}" if text else ""
