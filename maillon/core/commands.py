"""The base of Maillon's management commands: a help text translated when it is shown."""

from django.core.management.base import BaseCommand


class TranslatedCommand(BaseCommand):
    """Set ``help_text`` to a lazy translation; argparse needs a str, so ``help`` gives it one
    in the language active when the help is printed."""

    help_text = ""

    @property
    def help(self):
        return str(self.help_text)
