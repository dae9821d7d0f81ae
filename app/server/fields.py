"""Typed reads of a JSON request body; each bad field is a 400 ApiError naming it."""

from __future__ import annotations

import json
from typing import Any

from app.server.errors import ApiError


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a 400 saying what is wrong with it."""
    if not raw.strip():
        raise ApiError(400, "The request body is empty; send a JSON object.", code="invalid_json")
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "The request body is not UTF-8 text.", code="invalid_json") from None
    except json.JSONDecodeError as error:
        raise ApiError(
            400,
            f"The request body is not valid JSON: {error.msg} at line {error.lineno} "
            f"column {error.colno}.",
            code="invalid_json",
        ) from None
    except RecursionError:
        raise ApiError(400, "The request body nests too deeply.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise ApiError(
            400,
            f"The request body must be a JSON object, not {_kind(body)}.",
            code="invalid_json",
        )
    return body


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _wrong(name: str, wanted: str, value: Any) -> ApiError:
    return ApiError(
        400, f"'{name}' must be {wanted}, not {_kind(value)}.", param=name, code="invalid_type"
    )


def number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong(name, "a number", value)
    if not low <= value <= high:
        raise ApiError(
            400,
            f"'{name}' must be between {low:g} and {high:g}, not {value:g}.",
            param=name,
            code="invalid_value",
        )
    return float(value)


def integer(body: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(name, "an integer", value)
    if not low <= value <= high:
        raise ApiError(
            400,
            f"'{name}' must be between {low} and {high}, not {value}.",
            param=name,
            code="invalid_value",
        )
    return value


def boolean(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _wrong(name, "true or false", value)
    return value


def string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong(name, "a string", value)
    return value


def mapping(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _wrong(name, "an object", value)
    return value


def stop_strings(body: dict[str, Any]) -> tuple[str, ...]:
    value = body.get("stop")
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
        raise _wrong("stop", "a string or an array of strings", value)
    if len(items) > 4:
        raise ApiError(400, "'stop' takes at most 4 strings.", param="stop", code="invalid_value")
    return tuple(s for s in items if s)
