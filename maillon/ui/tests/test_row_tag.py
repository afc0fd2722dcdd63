"""issue 14: ``{% row %}`` draws exactly what ``{% include "ui/partials/row.html" %}`` draws, for any
values (given, missing and taken from the page's context, empty, None, text to escape, numbers,
lazy translations, safe strings), and what the person reads in a list (the status pill, the link)."""

from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.ui.templatetags.maillon_rows import FIELDS

VALUES = st.one_of(st.none(), st.just(""), st.text(max_size=12), st.sampled_from(['<b>"x" & y</b>', "l'été", 0, 3, 2.5]),
                   st.just(gettext_lazy("Approved")), st.just(mark_safe("<em>ok</em>")))  # noqa: S308 - a test value


def _draw(tag: str, given_names, context: dict) -> str:
    args = " ".join(f"{name}={name}_value" for name in given_names)
    source = ('{% load maillon_rows %}{% row ' + args + ' %}' if tag == "row"
              else '{% include "ui/partials/row.html" with ' + args + ' %}' if args else '{% include "ui/partials/row.html" %}')
    return Template(source).render(Context(context))


@settings(max_examples=300, deadline=None)
@given(values=st.fixed_dictionaries({name: VALUES for name in FIELDS}),
       passed=st.sets(st.sampled_from(FIELDS)), outer=st.dictionaries(st.sampled_from(FIELDS), VALUES))
def test_row_tag_draws_what_the_include_draws(values, passed, outer):
    context = {**{f"{name}_value": values[name] for name in passed}, **{name: value for name, value in outer.items() if name not in passed}}
    with translation.override("fr"):
        assert _draw("row", sorted(passed), context) == _draw("include", sorted(passed), context)


def test_a_row_as_a_person_reads_it():
    html = Template('{% load maillon_rows %}{% row url="/d/1/" primary=title status="Validée" status_class="status-ok" %}').render(
        Context({"title": "Congés <été>"}))
    assert '<a href="/d/1/">Congés &lt;été&gt;</a>' in html
    assert '<span class="status status-ok">Validée</span>' in html
    assert 'class="row row-link"' in html
