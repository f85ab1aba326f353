"""Post-processing of the OpenAPI schema (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""

from __future__ import annotations

from typing import Any

from localsafety.core.params import MAX_ID


def bound_path_ids(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every integer in a path is an id: state its bounds (``1..MAX_ID``), as the bodies and
    filters do, so clients and the schemathesis run know them (finding 11)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 1)
                    schema.setdefault("maximum", MAX_ID)
                    schema.setdefault("format", "int64")
    return result
