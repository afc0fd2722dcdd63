from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpaceEventsConfig(AppConfig):
    """Events of a space: meetings of the owner organisation open to registration by the space's
    members of every organisation (capacity, waiting list), reception on the day, yearly plan."""

    name = "maillon.space_events"
    label = "space_events"
    verbose_name = _("Events of the spaces")

    def ready(self):
        from maillon.core.registry import register_demo_seeder
        from maillon.meetings.signals import meeting_changed
        from maillon.notifications import kinds
        from maillon.spaces.tabs import register_tab

        from .demo import seed_space_events
        from .notices import tell_registrants

        kinds.register("space_events.registration", _("Events of the spaces"),
                       _("A place freed up for an event of a space I was waiting for."),
                       kinds.Channel.IMMEDIATE)
        kinds.register("space_events.change", _("Changes to the events of the spaces"),
                       _("An event of a space I registered for (or wait for) has a new date, place or room, or is cancelled."),
                       kinds.Channel.IMMEDIATE)
        meeting_changed.connect(tell_registrants, dispatch_uid="space_events.tell_registrants")
        register_tab("events", _("Events"), "space_events:index", order=30)
        register_demo_seeder(seed_space_events)
