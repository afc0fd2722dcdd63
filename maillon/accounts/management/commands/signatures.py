"""``maillon signatures verify CODE``: find a signature by its verification code and check
its seal. Exit code 0 when intact, 1 when altered or unknown, 2 when this server does not have
the key that signed (not verifiable here)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from maillon.accounts.models import Signature
from maillon.accounts.signing import key_id, normalise_code, verify


class Command(BaseCommand):
    help = "Verify a signature from its verification code."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="Check the signature with this verification code.")
        check.add_argument("code")

    def handle(self, *args, action, code, **options):
        signature = Signature.objects.select_related("organisation").filter(code=normalise_code(code)).first()
        if signature is None:
            raise CommandError(f"No signature with code {code}.")
        result = verify(signature)
        self.stdout.write(
            f"Code:         {signature.display_code}\n"
            f"Organisation: {signature.organisation.name} ({signature.organisation.slug})\n"
            f"Signed by:    {signature.signer_label} (user #{signature.signer_id})\n"
            f"Signed at:    {signature.signed_at.isoformat()}\n"
            f"Purpose:      {signature.purpose}\n"
            f"Object:       {signature.target_type} #{signature.target_id} {signature.target_label}\n"
            f"Method:       {signature.method}\n"
            f"Content hash: {signature.content_hash}"
        )
        if result.key_differs:
            raise CommandError(_(
                "NOT VERIFIABLE: the secret key differs from the one that signed (key %(signed)s, this "
                "server's %(current)s). This says nothing of the document: verify with the original "
                "SECRET_KEY, or list it in SECRET_KEY_FALLBACKS."
            ) % {"signed": signature.key_id, "current": key_id()}, returncode=2)
        if not result.seal_ok:
            raise CommandError(_("ALTERED: the document was modified after signing (the seal does not match this record)."))
        self.stdout.write(self.style.SUCCESS(_("INTACT: the seal matches.")))
