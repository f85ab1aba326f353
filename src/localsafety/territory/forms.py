from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localsafety.territory import limits
from localsafety.territory.models import Area, AreaKind


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    district = forms.ModelChoiceField(
        label=_("District or island"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    region = forms.ChoiceField(label=_("NUTS II region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district_field = self.fields["district"]
        assert isinstance(district_field, forms.ModelChoiceField)  # noqa: S101 - typing
        district_field.queryset = Area.objects.filter(
            kind=AreaKind.DISTRICT, owner_contract__isnull=True
        ).order_by("name_key", "name")
        regions = Area.objects.filter(kind=AreaKind.NUTS2, owner_contract__isnull=True).order_by(
            "code"
        )
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)  # noqa: S101 - typing
        region_field.choices = [("", _("All"))] + [
            (region.code, f"{region.name} ({region.code})") for region in regions
        ]


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("Boundary file"),
        help_text=_(
            "A GeoPackage (for example CAOP's), a zipped shapefile (.zip with .shp, .shx, .dbf "
            "and .prj) or a GeoJSON file. Coordinates in ETRS89 / PT-TM06 or another declared "
            "system are converted to WGS84."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind of areas"),
        choices=[
            (AreaKind.MUNICIPALITY, _("Municipalities (code: DICO, 4 digits)")),
            (AreaKind.PARISH, _("Parishes (code: DICOFRE, 6 digits)")),
        ],
    )
    code_field = forms.CharField(
        label=_("Attribute holding the code"),
        required=False,
        max_length=80,
        help_text=_("Leave empty to find it: DICO, DICOFRE, DTMN, DTMNFR or code."),
    )
    name_field = forms.CharField(
        label=_("Attribute holding the name"),
        required=False,
        max_length=80,
        help_text=_("Leave empty to find it: NOME, Municipio, Concelho, Freguesia or name."),
    )

    def __init__(self, *args: Any, zone: bool = False, contract: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The caps, stated beside the field with the numbers the import enforces.
        file_field = self.fields["file"]
        file_field.help_text = f"{file_field.help_text} " + limits.stated_limits(
            AreaKind.ZONE if zone else AreaKind.MUNICIPALITY, contract
        )
        if zone:
            del self.fields["kind"]
            self.fields["code_field"].help_text = _(
                "Optional: leave empty to make codes from the names."
            )
            self.fields["name_field"].help_text = _("Leave empty to find it: name or nome.")
