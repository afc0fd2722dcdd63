from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Prepare the demo: migrate, load fictional data, then serve on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        from maillon.core import demo

        call_command("migrate", interactive=False, verbosity=0)
        try:
            context = demo.seed()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.print_logins(context)
        if not options["no_serve"]:
            self.stdout.write(f"\nMaillon : http://127.0.0.1:{options['port']}/  (Ctrl+C pour arrêter)\n")
            call_command("serve", port=options["port"], with_worker=True)

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


def context_password():
    from maillon.core.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
