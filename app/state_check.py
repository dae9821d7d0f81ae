"""Reading Hearth's small JSON state files field by field, so one bad value costs one field.

Each field is checked for its type (from the dataclass annotations) and, where given, its
range; a bad field falls back to its default and is named in the report, unknown keys are
ignored, and the original file is copied to a dated backup before anything is reset.
"""

from __future__ import annotations

import glob
import json
import logging
import math
import shutil
import time
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Range = tuple[float | None, float | None]
_NO_VALUE = object()


@dataclass(frozen=True, slots=True)
class StateReport:
    """What reading one state file had to repair."""

    path: Path
    reset_fields: tuple[str, ...] = ()
    unreadable: str | None = None  # the whole file could not be read as JSON (why)
    backup: Path | None = None  # a copy of the original, when anything was reset

    @property
    def clean(self) -> bool:
        return not self.reset_fields and self.unreadable is None

    def sentence(self, what: str) -> str:
        kept = f" (the original is kept as {self.backup.name})" if self.backup else ""
        if self.unreadable is not None:
            return f"The {what} file could not be read, so defaults are used{kept}."
        names = ", ".join(self.reset_fields)
        return f"Some {what} were invalid and were reset to their defaults: {names}{kept}."


def read_json(path: Path) -> tuple[Any, str | None]:
    """(parsed JSON or _NO_VALUE, why it could not be read); a missing file is not an error."""
    try:
        return json.loads(path.read_text("utf-8")), None
    except FileNotFoundError:
        return _NO_VALUE, None
    except (OSError, ValueError) as error:
        return _NO_VALUE, str(error)


def missing(value: Any) -> bool:
    return value is _NO_VALUE


def backup(path: Path, clock: Callable[[], float] = time.time) -> Path | None:
    """Copy `path` to `<name>.<date>.bak` next to it; None when that fails too. A backup
    holding the same bytes already (the file read twice at start-up) is reused, not repeated."""
    stamp = time.strftime("%Y-%m-%d_%H%M%S", time.localtime(clock()))
    target = path.with_name(f"{path.name}.{stamp}.bak")
    try:
        content = path.read_bytes()
        for earlier in sorted(path.parent.glob(f"{glob.escape(path.name)}.*.bak")):
            if earlier.read_bytes() == content:
                return earlier
        shutil.copyfile(path, target)
        return target
    except OSError as error:
        log.warning("could not keep a backup of %s (%s)", path, error)
        return None


def _accepts(hint: Any, value: Any, bounds: Range | None) -> bool:
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(arm, value, bounds) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool) and _inside(value, bounds)
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok and math.isfinite(value) and _inside(value, bounds)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        arm = typing.get_args(hint)[0]
        return isinstance(value, list | tuple) and all(_accepts(arm, v, None) for v in value)
    return False


def _inside(value: float, bounds: Range | None) -> bool:
    if bounds is None:
        return True
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def check_fields(
    cls: type[Any],
    raw: Any,
    ranges: Mapping[str, Range],
    prefix: str = "",
    nested: Mapping[str, type[Any]] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The valid fields of `raw` for dataclass `cls` (ready for cls(**kw)) and the bad ones."""
    nested = nested or {}
    hints = typing.get_type_hints(cls)
    good: dict[str, Any] = {}
    bad: list[str] = []
    data = raw if isinstance(raw, dict) else {}
    if not isinstance(raw, dict) and raw is not None:
        bad.append(prefix.rstrip(".") or cls.__name__)
    for item in fields(cls):
        name = item.name
        if name not in data:
            continue
        value = data[name]
        if name in nested:
            sub, sub_bad = check_fields(nested[name], value, ranges, f"{prefix}{name}.")
            good[name] = _build(nested[name], sub)
            bad += sub_bad
        elif _accepts(hints[name], value, ranges.get(name)):
            good[name] = tuple(value) if typing.get_origin(hints[name]) is tuple else value
        else:
            bad.append(prefix + name)
    return good, bad


def _build(cls: type[Any], values: dict[str, Any]) -> Any:
    assert is_dataclass(cls)
    return cls(**values)


def default_of(cls: type[Any], name: str) -> Any:
    for item in fields(cls):
        if item.name == name:
            if item.default is not MISSING:
                return item.default
            if item.default_factory is not MISSING:
                return item.default_factory()
    raise KeyError(name)
