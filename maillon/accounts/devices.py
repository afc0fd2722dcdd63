"""What a session's browser and address say, in words a person recognises: « Firefox sur
Windows », « adresse 192.168.1.x ». No user-agent database and no geolocation database: a few
well-known browser and system names, and the address's network prefix (IPv4 /24, IPv6 /32),
which is also all that is kept of an address to tell a new device (``KnownDevice``)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Order matters: Edge, Opera and Samsung Internet also say « Chrome » and « Safari »; Chrome also
# says « Safari ». Each entry: the words that identify it, and its name (a brand: not translated).
BROWSERS = (
    (("Edg/", "EdgA/", "EdgiOS/"), "Edge"),
    (("OPR/", "Opera"), "Opera"),
    (("SamsungBrowser/",), "Samsung Internet"),
    (("Firefox/", "FxiOS/"), "Firefox"),
    (("Chrome/", "CriOS/", "Chromium/"), "Chrome"),
    (("Safari/",), "Safari"),
)
# Phones and tablets first (an iPhone's user agent also says « Mac OS X », Android's « Linux »).
SYSTEMS = (
    (("iPhone",), "iPhone"),
    (("iPad",), "iPad"),
    (("Android",), "Android"),
    (("CrOS",), "ChromeOS"),
    (("Windows",), "Windows"),
    (("Macintosh", "Mac OS X"), "macOS"),
    (("Linux", "X11"), "Linux"),
)
UNKNOWN_BROWSER = gettext_lazy("Unknown browser")


def _first(user_agent: str, table) -> str:
    for words, name in table:
        if any(word in user_agent for word in words):
            return name
    return ""


def browser(user_agent: str) -> str:
    """The browser's family (« Firefox »), or "" when the user agent names none we know."""
    return _first(user_agent or "", BROWSERS)


def system(user_agent: str) -> str:
    """The operating system (« Android »), or ""."""
    return _first(user_agent or "", SYSTEMS)


def place(ip: str | None) -> str:
    """The network an address belongs to, never the address itself: « 192.168.1.x » (IPv4,
    /24), « 2a01:cb00::/32 » (IPv6, /32: about an operator's network). "" when unreadable."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 4:
        return ".".join(str(address).split(".")[:3]) + ".x"
    return str(ipaddress.ip_network(f"{address}/32", strict=False).compressed)


@dataclass(frozen=True)
class Device:
    browser: str
    system: str
    place: str

    @classmethod
    def of(cls, user_agent: str, ip: str | None) -> Device:
        return cls(browser(user_agent), system(user_agent), place(ip))

    @property
    def label(self) -> str:
        """« Firefox sur Windows », « Safari sur iPhone », « Navigateur inconnu »."""
        name = self.browser or str(UNKNOWN_BROWSER)
        if not self.system:
            return name
        return _("%(browser)s on %(system)s") % {"browser": name, "system": self.system}

    @property
    def place_label(self) -> str:
        return _("address %(prefix)s") % {"prefix": self.place} if self.place else _("unknown address")
