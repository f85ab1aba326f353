"""A column that keeps the folded key of another (``core.text.fold``) for search and sort."""

from __future__ import annotations

from typing import Any

from django.db import models

from localsafety.core.text import fold


class FoldedKeyField(models.CharField):  # type: ignore[type-arg]
    """``fold(<source>)``, written by every save and ``bulk_create`` (``pre_save``).

    ``bulk_update`` and ``QuerySet.update`` do not call ``pre_save``: code that changes the
    source that way sets the key too (see ``FoldedKeys.refresh_keys``).
    """

    def __init__(self, *args: Any, source: str = "name", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 250)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = fold(getattr(model_instance, self.source) or "")[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value


class FoldedKeys(models.Model):
    """A model with folded keys: a save of some fields saves the keys of those fields too."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            wanted = set(update_fields)
            wanted |= {field.name for field in self._key_fields() if field.source in wanted}
            kwargs["update_fields"] = wanted
        super().save(*args, **kwargs)

    def _key_fields(self) -> list[FoldedKeyField]:
        return [field for field in self._meta.concrete_fields if isinstance(field, FoldedKeyField)]

    def refresh_keys(self) -> list[str]:
        """Set every key from its source now (for ``bulk_update``); their field names."""
        names = []
        for field in self._key_fields():
            field.pre_save(self, add=False)
            names.append(field.name)
        return names
