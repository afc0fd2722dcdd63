"""The feed's demo: a dozen posts (two pinned), comments, one mention, two files; once."""

from types import SimpleNamespace

import pytest

from maillon.notifications.models import Notification
from maillon.spaces import services
from maillon.spaces.feed_demo import COMMENTS, FILES, POSTS, SLUG, seed_feed
from maillon.spaces.models import Comment, Post, Role, SpaceFile
from maillon.testing import make_member

pytestmark = pytest.mark.django_db


def test_the_demo_seeder_fills_the_feed_once(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    space = world.space
    space.slug = SLUG
    space.save()
    usernames = {p[0] for p in POSTS} | {c[1] for c in COMMENTS}
    demo_people = {name: make_member(world.people.other_org, username=name) for name in usernames}
    for user in demo_people.values():
        services.add_member(space, user, role=Role.CONTRIBUTOR, actor=world.host)
    context = SimpleNamespace(people=demo_people)
    seed_feed(context)
    seed_feed(context)  # a second run adds nothing
    assert Post.objects.filter(space=space).count() == len(POSTS) + 1
    assert Post.objects.filter(space=space, pinned_at__isnull=False).count() == 2
    assert Comment.objects.filter(post__space=space).count() == len(COMMENTS)
    assert SpaceFile.objects.filter(space=space).count() == len(FILES)
    assert Notification.objects.filter(recipient=demo_people["ddets.referente"], kind="spaces.mention").count() == 1
    assert Post.objects.filter(space=space).exclude(attachments=[]).count() == 1
