"""Markdown to safe HTML, and the difference between two versions.

Markdown: markdown-it-py (CommonMark, raw HTML off, tables and strike-through on), then nh3
keeps only the tags below (no images: a page never loads anything from elsewhere). Headings
move one level down: the page's title is its only ``h1``. The text is stored as typed and
sanitised every time it is shown.

Diff: ``difflib`` line by line, grouped in hunks with ``CONTEXT`` unchanged lines around each
change (a long page with one changed line gives a short diff); lines that were replaced are
also compared word by word so that the changed words stand out.
"""

from __future__ import annotations

import difflib
import html as html_module
import re
from dataclasses import dataclass, field

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

TAGS = {"p", "br", "strong", "em", "del", "s", "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td"}
CONTEXT = 3  # unchanged lines shown around a change
_HEADING = re.compile(r"<(/?)h([1-6])>")

try:
    from markdown_it import MarkdownIt

    _MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(["table", "strikethrough"])
except ImportError:  # pragma: no cover - the venv has it (through rich); plain paragraphs otherwise
    _MD = None


def _shift(match: re.Match) -> str:
    return f"<{match[1]}h{min(int(match[2]) + 1, 6)}>"


def sanitise(html: str) -> str:
    return nh3.clean(html or "", tags=TAGS, attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer")


def render(text: str) -> SafeString:
    """The Markdown ``text`` as safe HTML."""
    text = (text or "").replace("\r\n", "\n")
    html = _HEADING.sub(_shift, _MD.render(text)) if _MD is not None else linebreaks(escape(text))
    return mark_safe(sanitise(html))  # noqa: S308 - nh3 output


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|tr|blockquote|pre)>|<br ?/?>|<hr ?/?>")


def plain(text: str) -> str:
    """The text without its Markdown marks, for search and summaries (« **gras**, » → « gras, »)."""
    html = _BLOCK_END.sub(" ", render(text))
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))).strip()


@dataclass
class Piece:
    kind: str  # "same", "ins", "del"
    text: str


@dataclass
class Line:
    kind: str  # "same", "ins", "del"
    number_old: int | None
    number_new: int | None
    pieces: list[Piece] = field(default_factory=list)


@dataclass
class Hunk:
    start_old: int
    start_new: int
    lines: list[Line] = field(default_factory=list)


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _words(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """The two lines cut in pieces: what stayed, what was removed (old) or added (new)."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(Piece("same", "".join(a[i1:i2])))
            right.append(Piece("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Piece("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(Piece("ins", "".join(b[j1:j2])))
    return left, right


def lines_of(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").split("\n")


def diff(old: str, new: str, *, context: int = CONTEXT) -> list[Hunk]:
    """Hunks of changed lines between two texts (empty when they are the same)."""
    a, b = lines_of(old), lines_of(new)
    hunks = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        hunk = Hunk(group[0][1] + 1, group[0][3] + 1)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk.lines += [Line("same", i + 1, j + 1, [Piece("same", a[i])]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
                continue
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            removed, added = [], []
            for k in range(i2 - i1):
                if k < paired:
                    left, right = _words(a[i1 + k], b[j1 + k])
                    removed.append(Line("del", i1 + k + 1, None, left))
                    added.append(Line("ins", None, j1 + k + 1, right))
                else:
                    removed.append(Line("del", i1 + k + 1, None, [Piece("del", a[i1 + k])]))
            added += [Line("ins", None, j + 1, [Piece("ins", b[j])]) for j in range(j1 + paired, j2)]
            hunk.lines += removed + added
        hunks.append(hunk)
    return hunks


def apply_hunks(old: str, hunks: list[Hunk]) -> str:
    """The new text rebuilt from the old one and the diff (tests: the diff loses nothing)."""
    a = lines_of(old)
    out, pos = [], 0
    for hunk in hunks:
        out += a[pos:hunk.start_old - 1]
        pos = hunk.start_old - 1
        for line in hunk.lines:
            if line.kind == "same":
                out.append(a[pos])
                pos += 1
            elif line.kind == "del":
                pos += 1
            else:
                out.append("".join(p.text for p in line.pieces if p.kind != "del"))
        # nothing else: every old line of the hunk is "same" or "del"
    out += a[pos:]
    return "\n".join(out)
