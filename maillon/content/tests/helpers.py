from django.core.files.uploadedfile import SimpleUploadedFile

from maillon.content.editors import ensure_home
from maillon.content.models import (
    Document,
    DocumentCategory,
    DocumentVersion,
    NewsPage,
    SectionPage,
)
from maillon.content.search import index

PDF = b"%PDF-1.4\n%fake test pdf\n"


def pdf(name="note.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def category(org, name="Administratif"):
    return DocumentCategory.objects.get_or_create(organisation=org, name=name)[0]


def document(org, title="Règlement intérieur", roles="", content=PDF, category_name="Administratif"):
    doc = Document.objects.create(organisation=org, title=title, category=category(org, category_name), roles=roles)
    version = DocumentVersion(document=doc, number=1, original_name="fichier.pdf", size=len(content), content_type="application/pdf")
    version.file.save("fichier.pdf", SimpleUploadedFile("fichier.pdf", content), save=False)
    version.save()
    doc.current = version
    doc.save()
    index(org, "document", doc.pk, title=doc.title, url=doc.download_url(), roles=doc.role_list)
    return doc


def news(org, title="Fête de quartier", important=False, publish=True, **fields):
    home = ensure_home(org)
    page = home.add_child(instance=NewsPage(title=title, important=important, live=False, **fields))
    if publish:
        page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)


def section(org, title="Vie du centre", body=None, parent=None):
    home = parent or ensure_home(org)
    page = (parent or home).add_child(instance=SectionPage(title=title, body=body or [], live=False))
    page.save_revision().publish()
    return SectionPage.objects.get(pk=page.pk)
