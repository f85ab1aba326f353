"""INE territorial codes: DICO (municipality) and DICOFRE (parish), and district names.

DICO = 2-digit district (or island, in the autonomous regions) + 2-digit municipality;
DICOFRE = DICO + 2-digit parish. Codes are text: the leading zeros matter.
"""

from __future__ import annotations

import math
import re

_DICO = re.compile(r"[0-9]{4}")
_DICOFRE = re.compile(r"[0-9]{6}")

# INE district / island codes (the first two digits of a DICO) and their names.
DISTRICT_NAMES: dict[str, str] = {
    "01": "Aveiro",
    "02": "Beja",
    "03": "Braga",
    "04": "Bragança",
    "05": "Castelo Branco",
    "06": "Coimbra",
    "07": "Évora",
    "08": "Faro",
    "09": "Guarda",
    "10": "Leiria",
    "11": "Lisboa",
    "12": "Portalegre",
    "13": "Porto",
    "14": "Santarém",
    "15": "Setúbal",
    "16": "Viana do Castelo",
    "17": "Vila Real",
    "18": "Viseu",
    "31": "Ilha da Madeira",
    "32": "Ilha de Porto Santo",
    "41": "Ilha de Santa Maria",
    "42": "Ilha de São Miguel",
    "43": "Ilha Terceira",
    "44": "Ilha Graciosa",
    "45": "Ilha de São Jorge",
    "46": "Ilha do Pico",
    "47": "Ilha do Faial",
    "48": "Ilha das Flores",
    "49": "Ilha do Corvo",
}


def normalise_code(value: object, width: int) -> str:
    """Text form of a code read from a file: strip blanks, restore lost leading zeros.

    Spreadsheets and shapefiles often store codes as numbers (``1106.0``, ``213``); a value
    that is a whole number is padded back to ``width`` digits. Anything else is returned
    stripped, for the validators to refuse.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value) or not value.is_integer():
            return str(value)
        value = int(value)
    text = str(value).strip()
    if text.isdigit() and len(text) < width:
        text = text.zfill(width)
    return text


def is_dico(code: str) -> bool:
    """True for a 4-digit municipality code whose district part is a known district/island."""
    return bool(_DICO.fullmatch(code)) and code[:2] in DISTRICT_NAMES and code[2:] != "00"


def is_dicofre(code: str) -> bool:
    """True for a 6-digit parish code whose first four digits form a valid DICO."""
    return bool(_DICOFRE.fullmatch(code)) and is_dico(code[:4]) and code[4:] != "00"


def district_code_of(dico: str) -> str:
    return dico[:2]
