"""Wagtail images: served only to members of the organisation whose collection holds them."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from maillon.content.editors import ensure_home
from maillon.content.tests.helpers import news


def picture(org, title="Fête de quartier"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), "orange").save(buffer, "PNG")
    home = ensure_home(org)
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="fete.png"), collection=home.collection)


def test_it_shows_a_news_image_through_the_checked_view_only(people, login):
    image = picture(people.org)
    news(people.org, "Retour en images", image=image)
    client = login(people.colleague)
    html = client.get(news_url(people)).content.decode()
    address = f"/essais/images/{image.pk}/width-800/"
    assert f'src="{address}"' in html and "/media/" not in html and 'width="800"' in html
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
    assert response["Cache-Control"].startswith("private")


def news_url(people):
    from maillon.content.models import NewsPage

    return NewsPage.objects.get(title="Retour en images").maillon_url(people.org.slug)


def test_it_never_serves_an_image_to_another_organisation(people, login):
    image = picture(people.org)
    foreign = picture(people.other_org, "Image d'ailleurs")
    # A member of the other organisation guessing the address, under either prefix.
    assert login(people.outsider).get(f"/essais/images/{image.pk}/width-800/").status_code == 404
    assert login(people.outsider).get(f"/autre/images/{image.pk}/width-800/").status_code == 404
    assert login(people.outsider).get(f"/autre/images/{foreign.pk}/width-800/").status_code == 200
    # And the other way round, for our own staff.
    assert login(people.colleague).get(f"/essais/images/{foreign.pk}/width-800/").status_code == 404
    assert login(people.colleague).get(f"/autre/images/{foreign.pk}/width-800/").status_code == 404


def test_it_refuses_sizes_that_are_not_offered(people, login):
    image = picture(people.org)
    client = login(people.colleague)
    assert client.get(f"/essais/images/{image.pk}/width-3000/").status_code == 404
    assert client.get(f"/essais/images/{image.pk}/fill-640x360/").status_code == 200
    assert image.renditions.count() == 1


def test_it_refuses_images_outside_any_organisation_collection(people, login):
    buffer = io.BytesIO()
    PILImage.new("RGB", (10, 10), "blue").save(buffer, "PNG")
    ensure_home(people.org)
    loose = get_image_model().objects.create(title="Racine", file=ImageFile(buffer, name="racine.png"))
    assert login(people.colleague).get(f"/essais/images/{loose.pk}/width-400/").status_code == 404
    assert login(people.colleague).get("/essais/images/999999/width-400/").status_code == 404
