"""``maillon signatures verify CODE``: find a signature by its verification code and check
its seal. Exit code 0 when intact, 1 when altered or unknown."""

from django.core.management.base import BaseCommand, CommandError

from maillon.accounts.models import Signature
from maillon.accounts.signing import normalise_code, verify


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
        if not result.seal_ok:
            raise CommandError("ALTERED: the seal does not match this record.")
        self.stdout.write(self.style.SUCCESS("INTACT: the seal matches."))
