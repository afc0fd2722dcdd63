"""The organisation's health records settings (the director): who else may write records, when
records expire."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.audit.services import record as audit

from . import policies, services
from .models import WRITER_ROLE_CHOICES, HealthSettings


class SettingsForm(forms.ModelForm):
    writer_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles that may also write records"), choices=WRITER_ROLE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The coordinator of the child's sector always may. Roles listed here may too, for the children of their "
                               "sectors (supervisor, staff) or of the whole organisation (director)."),
    )

    class Meta:
        model = HealthSettings
        fields = ["writer_roles", "validity_end_month", "validity_end_day", "retention_months"]

    def clean(self):
        data = super().clean()
        month, day = data.get("validity_end_month"), data.get("validity_end_day")
        if month and day and day > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
            self.add_error("validity_end_day", _("This month has no such day."))
        return data


def settings_page(request):
    if not policies.can_configure(request.membership):
        raise Http404
    current = services.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit("health.settings", actor=request.user, organisation=request.organisation, target=saved, request=request,
              data={"writer_roles": saved.writer_roles, "validity_end": f"{saved.validity_end_month:02d}-{saved.validity_end_day:02d}",
                    "retention_months": saved.retention_months})
        messages.success(request, _("The health records settings were saved."))
        return redirect("health:settings", org=request.organisation.slug)
    return render(request, "health/settings.html", {"form": form})
