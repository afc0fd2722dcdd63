"""Personal access tokens: list, create (the raw token is shown once), revoke after confirmation.

Tokens are personal: every query goes through ``services_tokens.tokens_of(request.user)``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from . import services_tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. « Export spreadsheet »."),
        error_messages={"required": gettext_lazy("Give the token a name, e.g. the tool that will use it.")},
    )
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("Expires after (days)"), required=False, min_value=1, max_value=services_tokens.MAX_EXPIRY_DAYS,
        help_text=gettext_lazy("Leave empty for a token that never expires. You can revoke it at any time."),
        error_messages={"invalid": gettext_lazy("Enter a whole number of days.")},
    )


def _list_context(request, form):
    page = Paginator(services_tokens.tokens_of(request.user), 25).get_page(request.GET.get("page"))
    return {"form": form, "page_obj": page}


@never_cache
@login_required
def tokens(request):
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                created = services_tokens.create_token(
                    request.user, form.cleaned_data["name"], form.cleaned_data["expires_in_days"], request=request
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                # Rendered, not redirected: the raw token never goes into the session.
                return render(request, "accounts/tokens_created.html", {"created": created})
        return render(request, "accounts/tokens.html", _list_context(request, form), status=400)
    return render(request, "accounts/tokens.html", _list_context(request, TokenForm()))


@login_required
def revoke(request, pk):
    token = get_object_or_404(services_tokens.tokens_of(request.user), pk=pk)
    if request.method == "POST":
        if services_tokens.revoke_token(request.user, token, request=request):
            messages.success(request, _("The token « %(name)s » is revoked: it no longer gives access.") % {"name": token.name})
        return redirect("accounts:tokens")
    return render(request, "accounts/tokens_revoke.html", {"token": token})
