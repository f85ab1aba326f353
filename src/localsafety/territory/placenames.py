"""Portuguese contractions before place names: "Câmara Municipal do Porto", "Agrupamento de
Escolas da Amadora", "Câmara Municipal de Lisboa" (issue 8, point 5).

Most Portuguese municipalities are named without an article ("de Lisboa", "de Loulé"), but
some always carry one, and then "de" contracts with it: do Porto, da Amadora, das Caldas da
Rainha, dos Arcos de Valdevez. Nothing in a name says which, so the names that take an article
are listed here (the 308 municipalities' usual forms, as their councils write them, and common
words that begin parish and place names); every other name takes a plain "de".
"""

from __future__ import annotations

from localsafety.core.text import fold

# Municipalities (and islands) whose name takes an article, by the name as written.
_WITH_ARTICLE = {
    # o
    "Porto": "o",
    "Barreiro": "o",
    "Bombarral": "o",
    "Cadaval": "o",
    "Cartaxo": "o",
    "Corvo": "o",
    "Crato": "o",
    "Entroncamento": "o",
    "Funchal": "o",
    "Fundão": "o",
    "Gavião": "o",
    "Marco de Canaveses": "o",
    "Montijo": "o",
    "Nordeste": "o",
    "Peso da Régua": "o",
    "Porto Moniz": "o",
    "Porto Santo": "o",
    "Redondo": "o",
    "Sabugal": "o",
    "Sardoal": "o",
    "Seixal": "o",
    # a
    "Amadora": "a",
    "Azambuja": "a",
    "Batalha": "a",
    "Calheta": "a",
    "Chamusca": "a",
    "Covilhã": "a",
    "Figueira da Foz": "a",
    "Golegã": "a",
    "Guarda": "a",
    "Horta": "a",
    "Lourinhã": "a",
    "Lousã": "a",
    "Madalena": "a",
    "Maia": "a",
    "Marinha Grande": "a",
    "Mealhada": "a",
    "Mêda": "a",
    "Moita": "a",
    "Murtosa": "a",
    "Nazaré": "a",
    "Pampilhosa da Serra": "a",
    "Ponta do Sol": "a",
    "Povoação": "a",
    "Póvoa de Lanhoso": "a",
    "Póvoa de Varzim": "a",
    "Ribeira Brava": "a",
    "Ribeira Grande": "a",
    "Sertã": "a",
    "Trofa": "a",
    "Vidigueira": "a",
    # os / as
    "Arcos de Valdevez": "os",
    "Caldas da Rainha": "as",
    "Lajes das Flores": "as",
    "Lajes do Pico": "as",
    "Velas": "as",
}

# Exceptions to the table: names that look as if they took an article but do not.
_WITHOUT_ARTICLE = {"Porto de Mós", "Vila do Porto", "Vila do Bispo", "Vila do Conde"}

# First words that bring their article to any name they begin (parishes, places, estates).
# None begins a municipality's name: "Castelo Branco", "Torre de Moncorvo", "Ponta Delgada"
# and "Vale de Cambra" take a plain "de", so such words are not rules here.
_FIRST_WORD_ARTICLE = {
    "Sé": "a",
    "Bairro": "o",
    "Quinta": "a",
    "Cerco": "o",
    "Parque": "o",
    "Baixa": "a",
    "Graça": "a",
    "Estrela": "a",
    "Pasteleira": "a",
}

_CONTRACTION = {"": "de", "o": "do", "a": "da", "os": "dos", "as": "das"}
_BY_KEY = {fold(name): article for name, article in _WITH_ARTICLE.items()}
_NONE_BY_KEY = {fold(name) for name in _WITHOUT_ARTICLE}
_FIRST_BY_KEY = {fold(word): article for word, article in _FIRST_WORD_ARTICLE.items()}


def article(place: str) -> str:
    """The article ``place`` takes ("o", "a", "os", "as") or "" when it takes none."""
    key = fold(place)
    if key in _NONE_BY_KEY:
        return ""
    if key in _BY_KEY:
        return _BY_KEY[key]
    first = key.split(" ", 1)[0] if key else ""
    return _FIRST_BY_KEY.get(first, "")


def of_place(place: str) -> str:
    """ "de"/"do"/"da"/"dos"/"das" and the place: "do Porto", "da Amadora", "de Lisboa"."""
    return f"{_CONTRACTION[article(place)]} {place.strip()}"


def named_after(prefix: str, place: str) -> str:
    """An organisation named for a place: ``named_after("Câmara Municipal", "Porto")`` is
    "Câmara Municipal do Porto"."""
    return f"{prefix} {of_place(place)}"
