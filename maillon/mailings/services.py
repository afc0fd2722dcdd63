"""Every write of the mailings: drafts, the test to oneself, the send through the worker, the
per-recipient statuses, unsubscribing, the monthly newsletter.

Sending (``deliver``): the worker claims a batch of « queued » rows with one UPDATE that only one
worker can win (``claim``), sends them one by one over one mail connection at the configured rate,
then writes their statuses. A row claimed by a worker that died is never sent again by another one:
after ``MAILINGS_STALE_SECONDS`` it becomes « failed » (interrupted), and the sender may put the
failed rows back in the queue by hand (``retry_failed``): at most one batch is in doubt per crash.
"""

from __future__ import annotations

import secrets
import smtplib
import time
from datetime import date, datetime
from html import unescape

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.core import links
from maillon.meetings.rendering import sanitise

from . import policies, segments
from .models import Category, Mailing, MailingSpace, Recipient, Unsubscription

SALT = "maillon.mailings.unsubscribe"
UNSUBSCRIBE_PLACEHOLDER = "%%UNSUBSCRIBE%%"


def rate() -> float:
    """Messages per second (0: as fast as the mail server takes them)."""
    return float(settings.MAILINGS_RATE)


def batch_size() -> int:
    return int(settings.MAILINGS_BATCH)


def stale_after() -> int:
    return int(settings.MAILINGS_STALE_SECONDS)


# ---------------------------------------------------------------- composing

def category_for(organisation, *, category: Category | None, new_name: str = "") -> Category:
    new_name = (new_name or "").strip()
    if new_name:
        found, _created = Category.objects.get_or_create(organisation=organisation, name=new_name[:120])
        return found
    if category is None or category.organisation_id != organisation.pk:
        raise ValidationError({"category": _("Choose a category or name a new one.")})
    return category


def article_html(article) -> str:
    """A news item as a mailing's body: its summary and content, through the same sanitiser."""
    parts = [f"<p><strong>{escape(article.title)}</strong></p>"]
    if article.intro:
        parts.append(f"<p>{escape(article.intro)}</p>")
    parts.append(str(article.body))
    return sanitise("".join(parts))


def body_html(mailing: Mailing) -> str:
    if not mailing.body.strip() and mailing.article_id:
        return article_html(mailing.article)
    return sanitise(mailing.body)


@transaction.atomic
def save_draft(scope: segments.Scope, *, mailing: Mailing | None = None, subject: str, body: str, article=None,
               category: Category | None = None, new_category: str = "", criteria: dict | None = None,
               request=None) -> Mailing:
    if not policies.can_use(scope) or (mailing is not None and not policies.can_change(scope, mailing)):
        raise ValidationError(_("You may not change this mailing."))
    if not (body or "").strip() and article is None:
        raise ValidationError({"body": _("Write a message or choose a news item.")})
    mailing = mailing or Mailing(organisation=scope.organisation, created_by=scope.user)
    mailing.subject = subject.strip()
    mailing.body = sanitise(body or "")
    mailing.article = article
    mailing.category = category_for(scope.organisation, category=category, new_name=new_category)
    mailing.criteria = segments.clean_criteria(scope, criteria or {})
    created = mailing.pk is None
    mailing.save()
    record("mailings.create" if created else "mailings.update", actor=scope.user, organisation=scope.organisation,
           target=mailing, request=request)
    return mailing


def audience(scope: segments.Scope, mailing: Mailing):
    """The people the mailing would reach now, unsubscribed addresses left out, by name."""
    unsubscribed = Unsubscription.objects.filter(category=mailing.category_id).values("email")
    return segments.recipients(scope, segments.clean_criteria(scope, mailing.criteria)).annotate(
        email_lower=Lower("email")).exclude(email_lower__in=unsubscribed)


# ---------------------------------------------------------------- the message

def unsubscribe_token(category_id: int, email: str) -> str:
    return signing.dumps([category_id, email.strip().lower()], salt=SALT)


def read_token(token: str) -> tuple[Category, str] | None:
    try:
        category_id, email = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    category = Category.objects.select_related("organisation").filter(pk=category_id).first()
    return (category, email) if category is not None and isinstance(email, str) else None


def unsubscribe_url(category_id: int, email: str) -> str:
    return links.absolute(reverse("mailings:unsubscribe", kwargs={"token": unsubscribe_token(category_id, email)}))


class Renderer:
    """The mailing drawn once; each recipient's copy only gets its own unsubscribe address."""

    def __init__(self, mailing: Mailing):
        self.mailing = mailing
        html = body_html(mailing)
        context = {"mailing": mailing, "body": html, "organisation": mailing.organisation, "category": mailing.category,
                   "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
        self.html = render_to_string("mailings/email.html", context)
        self.text = render_to_string("mailings/email.txt", {**context, "text": unescape(strip_tags(html.replace("</p>", "</p>\n\n")))})
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.list_id = f"<{mailing.category_id}.{mailing.organisation.slug}.mailings.maillon>"
        self.address = unsubscribe_url(mailing.category_id, "").replace(unsubscribe_token(mailing.category_id, ""), "{token}")

    def message(self, email: str, *, subject_prefix: str = "", connection=None) -> EmailMultiAlternatives:
        url = self.address.replace("{token}", unsubscribe_token(self.mailing.category_id, email))  # reverse() once, not per message
        message = EmailMultiAlternatives(
            subject=subject_prefix + self.mailing.subject, body=self.text.replace(UNSUBSCRIBE_PLACEHOLDER, url),
            from_email=self.from_email, to=[email], connection=connection,
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                     "List-Id": self.list_id, "Precedence": "bulk", "Auto-Submitted": "auto-generated"})
        message.attach_alternative(self.html.replace(UNSUBSCRIBE_PLACEHOLDER, url), "text/html")
        return message


def send_test(scope: segments.Scope, mailing: Mailing) -> str:
    """The mailing as its recipients will get it, to the sender only, now."""
    if not policies.can_see(scope, mailing):
        raise ValidationError(_("You may not send this mailing."))
    email = scope.user.email
    if not email:
        raise ValidationError(_("Your account has no e-mail address to send the test to."))
    Renderer(mailing).message(email, subject_prefix=_("[Test] ")).send()
    Mailing.objects.filter(pk=mailing.pk).update(test_sent_at=timezone.now())
    return email


# ---------------------------------------------------------------- sending

@transaction.atomic
def queue(scope: segments.Scope, mailing: Mailing, request=None) -> int:
    """Write one « queued » row per person of the segment and hand the mailing to the worker."""
    from .tasks import send_mailing

    locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if not policies.can_change(scope, locked):
        raise ValidationError(_("This mailing was already sent."))
    rows = [Recipient(mailing=locked, user_id=pk, email=email, name=f"{first} {last}".strip())
            for pk, email, first, last in audience(scope, locked).values_list("pk", "email", "first_name", "last_name")]
    if not rows:
        raise ValidationError(_("Nobody matches these criteria: the mailing was not sent."))
    Recipient.objects.bulk_create(rows, batch_size=1000)
    spaces = segments.clean_criteria(scope, locked.criteria).get("spaces", [])
    MailingSpace.objects.bulk_create([MailingSpace(mailing=locked, space_id=int(pk)) for pk in spaces], ignore_conflicts=True)
    locked.status, locked.queued_at = Mailing.Status.SENDING, timezone.now()
    locked.save(update_fields=["status", "queued_at"])
    record("mailings.send", actor=scope.user, organisation=scope.organisation, target=locked,
           data={"recipients": len(rows), "criteria": locked.criteria}, request=request)
    transaction.on_commit(lambda: send_mailing.enqueue(mailing_id=locked.pk))
    mailing.status = locked.status
    return len(rows)


def claim(mailing_id: int, size: int) -> tuple[str, list[Recipient]]:
    """Take up to ``size`` queued rows: the UPDATE only changes rows still queued, so two workers
    never get the same row."""
    token = secrets.token_hex(8)
    ids = list(Recipient.objects.filter(mailing=mailing_id, status=Recipient.Status.QUEUED).values_list("pk", flat=True)[:size])
    if not ids:
        return token, []
    Recipient.objects.filter(pk__in=ids, status=Recipient.Status.QUEUED).update(
        status=Recipient.Status.SENDING, claim=token, claimed_at=timezone.now())
    return token, list(Recipient.objects.filter(mailing=mailing_id, claim=token, status=Recipient.Status.SENDING))


def release_stale(mailing_id: int, now=None) -> int:
    """Rows a dead worker claimed: maybe sent, maybe not; never sent again automatically."""
    now = now or timezone.now()
    return Recipient.objects.filter(mailing=mailing_id, status=Recipient.Status.SENDING,
                                    claimed_at__lt=now - timezone.timedelta(seconds=stale_after())).update(
        status=Recipient.Status.FAILED, error="interrupted")


class Throttle:
    def __init__(self, per_second: float):
        self.interval = 1 / per_second if per_second > 0 else 0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        # A late message (a batch's writes, a slow server) is caught up, within one second's worth.
        self.next_at = max(self.next_at, now - 1) + self.interval


def _send_one(renderer: Renderer, connection, email: str) -> tuple[str, str]:
    try:
        connection.send_messages([renderer.message(email, connection=connection)])
    except smtplib.SMTPRecipientsRefused as error:
        return Recipient.Status.BOUNCED, str(error)[:300]
    except (smtplib.SMTPException, OSError) as error:
        return Recipient.Status.FAILED, str(error)[:300]
    return Recipient.Status.SENT, ""


def _write_statuses(results: dict[tuple[str, str], list[int]]) -> None:
    now = timezone.now()
    for (status, error), ids in results.items():
        Recipient.objects.filter(pk__in=ids).update(status=status, error=error, claim="",
                                                    sent_at=now if status == Recipient.Status.SENT else None)


def deliver(mailing_id: int, *, seconds: float | None = None, per_second: float | None = None) -> int:
    """Send the queued rows of a mailing for at most ``seconds``; returns how many left. Safe to
    run twice at once or again after a crash (claims)."""
    mailing = Mailing.objects.select_related("organisation", "category", "article").get(pk=mailing_id)
    release_stale(mailing_id)
    renderer = Renderer(mailing)
    throttle = Throttle(rate() if per_second is None else per_second)
    deadline = time.monotonic() + seconds if seconds else None
    sent = 0
    with get_connection() as connection:
        while deadline is None or time.monotonic() < deadline:
            _token, batch = claim(mailing_id, batch_size())
            if not batch:
                break
            unsubscribed = set(Unsubscription.objects.filter(category=mailing.category_id, email__in=[r.email.lower() for r in batch])
                               .values_list("email", flat=True))
            results: dict[tuple[str, str], list[int]] = {}
            for row in batch:
                if row.email.lower() in unsubscribed:
                    outcome = (Recipient.Status.UNSUBSCRIBED, "")
                else:
                    throttle.wait()
                    outcome = _send_one(renderer, connection, row.email)
                    sent += outcome[0] == Recipient.Status.SENT
                results.setdefault(outcome, []).append(row.pk)
            _write_statuses(results)
    finish_if_done(mailing_id)
    return sent


def finish_if_done(mailing_id: int) -> bool:
    busy = Recipient.objects.filter(mailing=mailing_id, status__in=[Recipient.Status.QUEUED, Recipient.Status.SENDING]).exists()
    if busy:
        return False
    return bool(Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
        status=Mailing.Status.SENT, finished_at=timezone.now()))


def has_queued(mailing_id: int) -> bool:
    return Recipient.objects.filter(mailing=mailing_id, status=Recipient.Status.QUEUED).exists()


@transaction.atomic
def retry_failed(scope: segments.Scope, mailing: Mailing, request=None) -> int:
    """Put the failed rows (not the bounced ones) back in the queue, by the sender's decision."""
    from .tasks import send_mailing

    if not policies.can_see(scope, mailing) or mailing.is_draft:
        raise ValidationError(_("You may not send this mailing."))
    count = Recipient.objects.filter(mailing=mailing, status=Recipient.Status.FAILED).update(
        status=Recipient.Status.QUEUED, error="", claim="", claimed_at=None)
    if count:
        Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING, finished_at=None)
        record("mailings.retry", actor=scope.user, organisation=scope.organisation, target=mailing, data={"recipients": count},
               request=request)
        transaction.on_commit(lambda: send_mailing.enqueue(mailing_id=mailing.pk))
    return count


def status_counts(mailing: Mailing) -> dict[str, int]:
    counts = dict(Recipient.objects.filter(mailing=mailing).values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {value: counts.get(value, 0) for value in Recipient.Status.values}


# ---------------------------------------------------------------- unsubscribing

def unsubscribe(category: Category, email: str) -> bool:
    """Idempotent: True when this call unsubscribed the address, False when it already was."""
    _row, created = Unsubscription.objects.get_or_create(category=category, email=email.strip().lower())
    if created:
        record("mailings.unsubscribe", organisation=category.organisation, target=category)
    return created


def is_unsubscribed(category: Category, email: str) -> bool:
    return Unsubscription.objects.filter(category=category, email=email.strip().lower()).exists()


# ---------------------------------------------------------------- the monthly newsletter

def month_news(organisation, month: date):
    from maillon.content.models import NewsPage, pages_of

    first = month.replace(day=1)
    following = (first + timezone.timedelta(days=32)).replace(day=1)
    return pages_of(organisation, NewsPage).filter(date__gte=first, date__lt=following).order_by("date", "pk")


def _month_bounds(month: date):
    first = month.replace(day=1)
    following = (first + timezone.timedelta(days=32)).replace(day=1)
    return (timezone.make_aware(datetime.combine(first, datetime.min.time())), timezone.make_aware(datetime.combine(following, datetime.min.time())))


def newsletter_spaces(scope: segments.Scope):
    """The spaces whose posts an organisation's newsletter may quote: owned by the organisation,
    open to every member of their federation, and that federation holds every organisation the
    newsletter reaches (for a federation office, all of its federations' organisations). Never a
    members-only space: its posts are for its members."""
    from maillon.organisations.models import Organisation
    from maillon.spaces.models import Space

    ids = set(scope.organisation_ids) or {scope.organisation.pk}
    holding: dict[int, set[int]] = {}
    for federation_id, organisation_id in Organisation.federations.through.objects.filter(
            organisation__in=ids).values_list("federation_id", "organisation_id"):
        holding.setdefault(federation_id, set()).add(organisation_id)
    federations = [pk for pk, members in holding.items() if members >= ids]
    return Space.objects.filter(organisation=scope.organisation, visibility=Space.Visibility.FEDERATION,
                                federation__in=federations)


def month_posts(spaces, month: date):
    """The posts of ``spaces`` written during ``month``, oldest first, with their space and author."""
    from maillon.spaces.models_feed import Post

    start, end = _month_bounds(month)
    return (Post.objects.filter(space__in=spaces, created_at__gte=start, created_at__lt=end)
            .select_related("space", "author").order_by("created_at", "pk"))


def _post_items(posts) -> list[dict]:
    from django.utils.text import Truncator

    from maillon.spaces.feed_services import post_url

    return [{"post": post, "space": post.space, "url": links.absolute(post_url(post, post.space)),
             "title": Truncator(unescape(strip_tags(post.html)).strip() or post.link or "…").words(12),
             "html": sanitise(post.html)} for post in posts]


def newsletter_body(organisation, month: date, *, scope: segments.Scope | None = None, space=None) -> str:
    """The month's published news and the posts of the spaces open to the newsletter's readers;
    for a space's newsletter, that space's posts only."""
    if space is not None:
        news, posts = [], _post_items(month_posts([space], month))
    else:
        news = list(month_news(organisation, month))
        posts = _post_items(month_posts(newsletter_spaces(scope), month)) if scope is not None else []
    return render_to_string("mailings/newsletter_body.html", {
        "news": [{"page": page, "url": links.absolute(page.maillon_url(organisation.slug))} for page in news],
        "posts": posts, "space": space, "organisation": organisation, "month": date_format(month, "F Y")})


def compose_newsletter(scope: segments.Scope, month: date | None = None, request=None, space=None) -> Mailing:
    """One click: a draft listing the month's published news and the posts of the organisation's
    spaces open to its federation, to the members of the organisations the sender reaches; or, for
    ``space`` (its hosts), that space's posts of the month to its members."""
    month = month or timezone.localdate()
    label = date_format(month, "F Y")
    if space is not None:
        if not policies.can_compose_space_newsletter(scope, space):
            raise ValidationError(_("Only the space's hosts compose its newsletter."))
        name = (_("Newsletter of %(space)s") % {"space": space.name})[:120]
        category, _created = Category.objects.get_or_create(organisation=scope.organisation, name=name)
        mailing = save_draft(scope, subject=_("%(space)s — %(month)s") % {"space": space.name, "month": label},
                             body=newsletter_body(scope.organisation, month, space=space), category=category,
                             criteria={"spaces": [str(space.pk)]}, request=request)
    else:
        if not policies.can_compose_newsletter(scope):
            raise ValidationError(_("Only directors and communication officers compose the newsletter."))
        category, _created = Category.objects.get_or_create(organisation=scope.organisation, name=_("Newsletter"))
        # To the organisations' members only: not to the other people of the spaces the sender hosts.
        mailing = save_draft(scope, subject=_("Newsletter — %(month)s") % {"month": label},
                             body=newsletter_body(scope.organisation, month, scope=scope), category=category,
                             criteria={"organisations": [str(pk) for pk in scope.organisation_ids]}, request=request)
    Mailing.objects.filter(pk=mailing.pk).update(kind=Mailing.Kind.NEWSLETTER)
    mailing.kind = Mailing.Kind.NEWSLETTER
    return mailing
