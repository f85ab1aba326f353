"""The national bodies that sit on the Interministerial Commission (demo and generator).

Published composition (Amante, Saraiva & Sá Marques 2021): the ministries and the two
national associations of local authorities, all filed as ``OrganisationKind.MINISTRY``
("Ministry / national body"). The commission itself and the four axes are reference rows of
every installation (``contracts.reference``).
"""

from __future__ import annotations

# (name, short name); the first is the ministry that leads the programme.
NATIONAL_ORGANISATIONS: list[tuple[str, str]] = [
    ("Ministério da Administração Interna", "MAI"),
    ("Ministério da Justiça", "MJ"),
    ("Ministério da Educação", "ME"),
    ("Ministério da Saúde", "MS"),
    ("Ministério do Trabalho, Solidariedade e Segurança Social", "MTSSS"),
    ("Ministério da Ciência, Tecnologia e Ensino Superior", "MCTES"),
    ("Secretaria de Estado para a Cidadania e a Igualdade", "SECI"),
    ("Associação Nacional de Municípios Portugueses", "ANMP"),
    ("Associação Nacional de Freguesias", "ANAFRE"),
]
