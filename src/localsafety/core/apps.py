from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_tables(using: str = "default", **_: Any) -> None:
    """``migrate`` also creates the database cache's table, so no deployment forgets it.

    ``createcachetable`` does nothing for other backends or when the table exists.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "localsafety.core"
    label = "core"
    verbose_name = "LocalSafety core"

    def ready(self) -> None:
        from localsafety.core import lookups

        lookups.register()
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="localsafety-cache")
