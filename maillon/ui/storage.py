"""Static files as served outside tests: WhiteNoise's hashed and compressed files, and Maillon's
own stylesheets without their comments (issue 14: they were 2.3 of the stylesheet's 10 KB
compressed, downloaded by every first visit). The sources keep their comments."""

import re
from pathlib import Path

from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

PACKAGE = Path(__file__).resolve().parent.parent  # maillon/
# A comment, except /*! (a licence) and /*# (a source map), which are kept.
COMMENT = re.compile(r"/\*(?![!#]).*?\*/", re.S)


def compact_css(css: str) -> str:
    """``css`` without comments, indentation, trailing spaces and empty lines (nothing else:
    the rules themselves are left as written)."""
    lines = (line.strip() for line in COMMENT.sub("", css).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


# The first folder of our apps' static files (ui/, agenda/…): other packages' files are left alone.
OURS = frozenset(path.name for path in PACKAGE.glob("*/static/*") if path.is_dir())


def is_ours(name: str) -> bool:
    return name.replace("\\", "/").split("/", 1)[0] in OURS


class CompactStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def _save(self, name, content):
        # Both the file under its own name and its hashed copies (made from the source file),
        # before WhiteNoise compresses them.
        if name.endswith(".css") and is_ours(name):
            content.seek(0)  # the hashed copies' content was read once for their hash
            content = ContentFile(compact_css(content.read().decode("utf-8")).encode("utf-8"))
        return super()._save(name, content)

    def url(self, name, force=False):
        # A page asks for the same few files (stylesheet, sprite, scripts) dozens of times; the
        # manifest does not change while the process runs (collectstatic restarts it).
        if force:
            return super().url(name, force)
        cache = self.__dict__.setdefault("_maillon_urls", {})
        found = cache.get(name)
        if found is None:
            found = cache[name] = super().url(name)
        return found
