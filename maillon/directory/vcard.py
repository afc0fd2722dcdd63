"""vCard 3.0 export of a contact, a facilitator or a colleague."""

from __future__ import annotations


def _escape(value: str) -> str:
    return (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n")


def vcard(*, name: str, organisation: str = "", title: str = "", phone: str = "", email: str = "", address: str = "", note: str = "") -> str:
    parts = name.split(" ", 1)
    given, family = (parts[0], parts[1]) if len(parts) == 2 else (name, "")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{_escape(family)};{_escape(given)};;;", f"FN:{_escape(name)}"]
    if organisation:
        lines.append(f"ORG:{_escape(organisation)}")
    if title:
        lines.append(f"TITLE:{_escape(title)}")
    if phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(phone)}")
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{_escape(email)}")
    if address:
        lines.append(f"ADR;TYPE=WORK:;;{_escape(address)};;;;")
    if note:
        lines.append(f"NOTE:{_escape(note)}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
