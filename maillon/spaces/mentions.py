"""Mentions typed in a post or a comment: « @Prénom Nom » or « @identifiant ».

The rule (README, « Feed »):
- after each « @ », the longest of « first name last name » (two or three words, case and
  accents ignored) and then the account's identifier (one word) that names a **member of the
  space** is the person mentioned; members count whichever way they are in (added by name,
  through their organisation, through the federation's openness);
- only members are looked for: someone who is not a member is never notified, and the author is
  told « no member of the space is called … », the same answer as for a name nobody has, so a
  mention reveals nothing of who else has an account;
- a name that several members share notifies none of them: the author is told to choose the
  person in the list or to type their identifier;
- an address such as ``nom@exemple.fr`` is not a mention (the « @ » must start a word).

Two queries whatever the number of mentions: the members whose first name or identifier is one
of the typed words (``members_named``), then nothing else; at most ``MAX_MENTIONS`` « @ » are
read in one text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q

from maillon.content.search import normalise

from .models import members_of

MAX_MENTIONS = 20
_WORD = r"[^\W_][\w'’.-]*"
_AT = re.compile(rf"(?<![\w@.])@({_WORD})(?:[ \u00a0]+({_WORD}))?(?:[ \u00a0]+({_WORD}))?")
_TRAILING = ".-'’"


@dataclass
class Mention:
    typed: str  # what the author wrote after « @ », as written: « Marie Dupont »
    words: tuple[str, ...]


@dataclass
class Resolved:
    users: list = field(default_factory=list)  # members mentioned, each once, in order
    ambiguous: list[str] = field(default_factory=list)  # « @Marie Dupont » shared by several members
    unknown: list[str] = field(default_factory=list)  # no member of that name (a non-member neither)


def typed_mentions(text: str) -> list[Mention]:
    found = []
    for match in _AT.finditer(text or ""):
        words = tuple(w.rstrip(_TRAILING) for w in match.groups() if w and w.rstrip(_TRAILING))
        if words:
            found.append(Mention(" ".join(words), words))
        if len(found) >= MAX_MENTIONS:
            break
    return found


def _key(*words: str) -> str:
    return normalise(" ".join(words))


def resolve(mentions: list[Mention], members) -> Resolved:
    """Who each mention names among ``members`` (users), by the rule above. Pure: no query."""
    by_name: dict[str, list] = {}
    by_username: dict[str, object] = {}
    for user in members:
        by_name.setdefault(_key(user.first_name, user.last_name), []).append(user)
        by_username[user.username.casefold()] = user
    out, seen = Resolved(), set()
    for mention in mentions:
        words = mention.words
        people, typed = None, None
        for size in (3, 2):  # the longest name first: « @Anne Marie Durand » before « @Anne Marie »
            if len(words) >= size and _key(*words[:size]) in by_name:
                people, typed = by_name[_key(*words[:size])], " ".join(words[:size])
                break
        if people is None and words[0].casefold() in by_username:
            people, typed = [by_username[words[0].casefold()]], words[0]
        if people is None:
            out.unknown.append(mention.typed if len(words) < 2 else " ".join(words[:2]))
        elif len(people) > 1:
            out.ambiguous.append(typed)
        elif people[0].pk not in seen:
            seen.add(people[0].pk)
            out.users.append(people[0])
    out.unknown = list(dict.fromkeys(out.unknown))
    out.ambiguous = list(dict.fromkeys(out.ambiguous))
    return out


def _variants(word: str) -> set[str]:
    # iexact folds only ASCII letters on SQLite: « élodie » must also find « Élodie ».
    return {word, word.lower(), word.capitalize(), word.title(), word.upper()}


def members_named(space, mentions: list[Mention]):
    """The space's members whose first name (one or two words) or identifier is a typed word."""
    condition = Q()
    for mention in mentions:
        words = mention.words
        for candidate in {words[0], " ".join(words[:2])}:
            condition |= Q(username__iexact=candidate) | Q(first_name__iexact=candidate) | Q(first_name__in=_variants(candidate))
    if not condition:
        return []
    return list(members_of(space).filter(condition))


def mentioned_in(space, text: str) -> Resolved:
    """The members of ``space`` that ``text`` mentions (one query; none when it has no « @ »)."""
    mentions = typed_mentions(text)
    return resolve(mentions, members_named(space, mentions)) if mentions else Resolved()
