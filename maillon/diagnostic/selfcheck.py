"""The security self-check: fifteen practices drawn from the ANSSI's guidance for small
communities (hygiène informatique, cybersécurité des collectivités), in our own words, each with
why it matters and the action to take. A self-check is the set of practices in place on a day;
its score is the share of them, 0 to 100."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    key: str
    label: object
    why: object
    action: object


ITEMS: tuple[Item, ...] = (
    Item("inventory", _("We keep a list of our computers, phones, accounts and who uses them."),
         _("What is not known is not protected: a forgotten computer or account is an open door."),
         _("Write the list (a spreadsheet is enough) and review it when someone arrives or leaves.")),
    Item("backups", _("Our data is backed up automatically, with one copy disconnected or away from the town hall."),
         _("A ransomware attack or a fire can wipe out civil registry, accounts and files in one go."),
         _("Set up an automatic backup, keep one copy offline, and try restoring a file every term.")),
    Item("restore_test", _("We have restored a backup in the last six months."),
         _("A backup never restored may not work on the day it is needed."),
         _("Restore a few files and one application's data, and note how long it took.")),
    Item("updates", _("Systems, software and the website are updated promptly, automatically where possible."),
         _("Most attacks use flaws that an update already fixed."),
         _("Turn on automatic updates and replace equipment no longer supported.")),
    Item("antivirus", _("Every computer has an antivirus and a firewall turned on."),
         _("They stop a large share of common malicious software."),
         _("Check each computer's protection and that it updates itself.")),
    Item("personal_accounts", _("Each person has their own account; nobody shares a session or a password."),
         _("Shared accounts make it impossible to know who did what and to close one person's access."),
         _("Create one account per person and close the accounts of people who left.")),
    Item("passwords", _("Passwords are long, different for each service and kept in a password manager."),
         _("A password reused elsewhere is often already known to attackers."),
         _("Install a password manager recommended by the ANSSI and change reused passwords.")),
    Item("mfa", _("E-mail and remote services ask for a second factor (code or key)."),
         _("A stolen password alone is then not enough to get in."),
         _("Turn on two-step verification for e-mail, remote access and the bank.")),
    Item("admin_accounts", _("Administrator accounts are separate and used only to administer."),
         _("Malicious software opened by an administrator gets every right on the computer."),
         _("Give everyone a day-to-day account without administrator rights.")),
    Item("phishing", _("Staff and elected officials know how to spot a fraudulent e-mail and whom to tell."),
         _("Most intrusions start with a trapped e-mail or a fake invoice."),
         _("Hold a short awareness session each year (cybermalveillance.gouv.fr has material).")),
    Item("email_domain", _("The commune uses e-mail addresses on its own domain, not personal webmail."),
         _("Personal mailboxes escape the commune's control and stay with people who leave."),
         _("Move official mail to addresses on the commune's domain.")),
    Item("networks", _("The public Wi-Fi and the town hall's network are separate."),
         _("A visitor on the Wi-Fi should never reach the town hall's computers."),
         _("Ask your provider to separate the networks and change the box's default password.")),
    Item("providers", _("Contracts with IT providers say who does what for security and backups."),
         _("On the day of an incident, nobody should wonder who must act."),
         _("Add security and backup clauses when a contract is renewed.")),
    Item("incident_plan", _("We know whom to call in an incident and the steps to take (disconnect, report, tell the CNIL within 72 hours)."),
         _("The first hours decide how much is lost."),
         _("Post the numbers of your provider, your regional CSIRT and cybermalveillance.gouv.fr near the computers.")),
    Item("physical", _("Screens lock themselves and equipment is in a locked room."),
         _("A computer left open at the counter gives access to everything."),
         _("Set automatic screen locking after a few minutes and lock the server room.")),
)
BY_KEY = {i.key: i for i in ITEMS}


def score(done) -> int:
    """The share of practices in place, 0 to 100 (unknown keys ignored)."""
    known = {key for key in done if key in BY_KEY}
    return round(100 * len(known) / len(ITEMS))


def actions_left(done) -> list[Item]:
    """The practices not in place, in the checklist's order."""
    done = set(done)
    return [item for item in ITEMS if item.key not in done]
