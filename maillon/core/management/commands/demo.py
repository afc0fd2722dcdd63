import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Prepare the demo: migrate, load fictional data, then serve on 127.0.0.1:8000 (or --host/--port)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default=os.environ.get("MAILLON_HOST", "127.0.0.1"),
                            help="address to listen on (0.0.0.0: every interface; then set ALLOWED_HOSTS and MAILLON_BASE_URL)")

    def handle(self, *args, **options):
        from maillon.core import demo

        call_command("migrate", interactive=False, verbosity=0)
        try:
            context = demo.seed()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.print_logins(context)
        if not options["no_serve"]:
            url = demo_base_url(options["host"], options["port"])
            self.stdout.write(f"\nMaillon : {url}/  (Ctrl+C pour arrêter)\n")
            call_command("serve", host=options["host"], port=options["port"], with_worker=True)

    def print_logins(self, context):
        out = self.stdout
        out.write(self.style.SUCCESS("Données de démonstration prêtes (toutes fictives)."))
        out.write(f"Mot de passe de tous les comptes : {context_password()}")
        out.write(f"{'Identifiant':<18} {'Rôle':<34} {'Organisation':<32} Secret TOTP (double authentification)")
        for login in context.logins:
            out.write(f"{login.username:<18} {login.role:<34} {login.organisation:<32} {login.totp_secret}")
        out.write(
            "Les comptes avec un secret TOTP demandent un code : ajoutez le secret dans une application "
            "d'authentification, ou calculez le code avec « maillon totp <identifiant> ». Ces secrets "
            "sont tirés au hasard pour cette installation et gardés si la démonstration est rechargée."
        )


def demo_base_url(host: str, port: int) -> str:
    """The demo's address for the links of its e-mails, .ics files and PDFs: MAILLON_BASE_URL
    when it is set, else the address it serves on. Set in this process (the web server) and in
    the environment, which the background worker it starts inherits."""
    if not os.environ.get("MAILLON_BASE_URL"):
        shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - a listening address, not a link
        shown = f"[{shown}]" if ":" in shown else shown
        os.environ["MAILLON_BASE_URL"] = f"http://{shown}:{port}"
    settings.MAILLON_BASE_URL = settings.WAGTAILADMIN_BASE_URL = os.environ["MAILLON_BASE_URL"].rstrip("/")
    return settings.MAILLON_BASE_URL


def context_password():
    from maillon.core.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
