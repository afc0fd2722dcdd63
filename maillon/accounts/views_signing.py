"""Signature verification page: a member types a verification code and sees who signed
what and when, and whether the record is intact. Only signatures of organisations the
person belongs to are found."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .forms import VerifyCodeForm
from .signing import find_by_code
from .signing import verify as verify_signature


@login_required
def verify(request):
    form = VerifyCodeForm(request.GET or None)
    signature = result = None
    searched = False
    if form.is_valid():
        searched = True
        signature = find_by_code(form.cleaned_data["code"], request.user)
        if signature is not None:
            result = verify_signature(signature)
    return render(request, "accounts/signatures/verify.html", {
        "form": form, "signature": signature, "result": result, "searched": searched,
    })
