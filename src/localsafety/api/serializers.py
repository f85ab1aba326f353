"""Small shapes reused by several views: the input fields for ids and versions, and
read-only references inside output serializers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from localsafety.core.params import MAX_ID, MAX_IDS


class IdField(serializers.IntegerField):
    """An id a client sends (filter or body): a whole number in ``1..MAX_ID``.

    Larger numbers once reached the database and failed there (finding 11); the schema
    states the bounds, so clients and the schemathesis run know them too.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class VersionField(IdField):
    """The version of a record the client read; a stale one gives 409."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The version you read; a stale one gives 409.")
        super().__init__(**kwargs)


def id_list_field(**kwargs: Any) -> serializers.ListField:
    """A list of ids (at most ``MAX_IDS``)."""
    kwargs.setdefault("max_length", MAX_IDS)
    return serializers.ListField(child=IdField(), **kwargs)


class AreaRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()


class AxisSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_pt = serializers.CharField()
    is_national = serializers.BooleanField()


class BodyRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
