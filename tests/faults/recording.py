"""The type of pytest's `record_property` fixture (its details column in the summary)."""

from collections.abc import Callable

RecordProperty = Callable[[str, object], None]
