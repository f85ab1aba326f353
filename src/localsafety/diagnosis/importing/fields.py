"""The platform's fields of an incident record, and the headers they are found under.

A source's remembered mapping (``IncidentSource.columns``) names the column of each field;
without one, headers are recognised in Portuguese or English (compared after
``core.tabular.header_key``: no accents, case or punctuation).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from localsafety.core.tabular import Table, header_key


@dataclass(frozen=True)
class Field:
    name: str
    label: str | Promise
    headers: tuple[str, ...]
    required: bool = False


INCIDENT_FIELDS: tuple[Field, ...] = (
    Field(
        "record_id",
        _("Record id at the source"),
        (
            "record_id",
            "id",
            "nuipc",
            "n_processo",
            "no_processo",
            "n_o_processo",
            "processo",
            "numero",
            "numero_ocorrencia",
            "id_ocorrencia",
            "ocorrencia",
            "registo",
        ),
        required=True,
    ),
    Field(
        "occurred_at",
        _("Date (and time) of occurrence, or start of the range"),
        (
            "occurred_at",
            "occurred_from",
            "data",
            "data_ocorrencia",
            "data_da_ocorrencia",
            "data_hora",
            "data_e_hora",
            "data_inicio",
            "data_factos",
            "date",
            "datetime",
        ),
        required=True,
    ),
    Field("time", _("Time of occurrence"), ("time", "hora", "hora_ocorrencia", "hora_inicio")),
    Field(
        "occurred_to",
        _("End of the range (when the exact time is unknown)"),
        ("occurred_to", "data_fim", "data_ate", "ate", "fim", "data_final"),
    ),
    Field("time_to", _("Time of the end of the range"), ("time_to", "hora_fim", "hora_ate")),
    Field(
        "category",
        _("Crime category code"),
        (
            "category",
            "categoria",
            "codigo_crime",
            "tipo_de_crime",
            "codigo_do_crime",
            "cod_crime",
            "tipo_crime",
            "tipo",
            "crime",
            "natureza",
            "tipologia",
        ),
        required=True,
    ),
    Field(
        "x",
        _("Longitude or X (PT-TM06 metres)"),
        ("x", "lon", "long", "longitude", "coord_x", "coordenada_x", "m"),
    ),
    Field(
        "y",
        _("Latitude or Y (PT-TM06 metres)"),
        ("y", "lat", "latitude", "coord_y", "coordenada_y", "p"),
    ),
    Field(
        "parish_code",
        _("Parish code (DICOFRE)"),
        (
            "parish_code",
            "dicofre",
            "cod_freguesia",
            "codigo_freguesia",
            "freguesia_codigo",
            "dtmnfr",
            "freguesia",
        ),
    ),
)

FIELDS_BY_NAME = {field.name: field for field in INCIDENT_FIELDS}


def guess_columns(table: Table, remembered: dict[str, str] | None = None) -> dict[str, str]:
    """Field -> header: the remembered column where the file has it, else a recognised header."""
    keys = {header_key(header): header for header in table.columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for field in INCIDENT_FIELDS:
        column = (remembered or {}).get(field.name)
        if column and header_key(column) in keys:
            found[field.name] = keys[header_key(column)]
            used.add(found[field.name])
    for field in INCIDENT_FIELDS:
        if field.name in found:
            continue
        for candidate in field.headers:
            header = keys.get(header_key(candidate))
            if header is not None and header not in used:
                found[field.name] = header
                used.add(header)
                break
    return found
