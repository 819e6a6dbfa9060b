"""How one policy setting is declared: key, type, default, label, source, bounds.

Each feature declares its own settings as a tuple of ``SettingSpec`` in its own
domain module; ``app.domain.settings`` gathers them into one catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: type
    default: Any
    label: str
    source: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, str], ...] = ()
    """For a text setting with fixed values: (stored code, what the user reads)."""

    def label_of(self, value: Any) -> str:
        """A value as the user reads it: a choice's words, never its code."""
        return dict(self.choices).get(str(value), str(value))

    def validate(self, value: Any) -> Any:
        """The value in its declared type, or ValueError with a message for the user."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.label} must be yes or no")
            return value
        if self.kind in (int, float):
            try:
                number = self.kind(value)
            except (TypeError, ValueError):
                raise ValueError(f"{self.label} must be a number, not {value!r}") from None
            if self.minimum is not None and number < self.minimum:
                raise ValueError(f"{self.label} must be at least {self.minimum:g}")
            if self.maximum is not None and number > self.maximum:
                raise ValueError(f"{self.label} must be at most {self.maximum:g}")
            return number
        if self.kind is dict:
            return self._table(value)
        if self.kind is list:
            if not isinstance(value, list):
                raise ValueError(f"{self.label} must be a list")
            if self.key == "extra_bank_holidays":
                return [_iso_date(self.label, item) for item in value]
            return value
        if self.choices and str(value) not in dict(self.choices):
            allowed = ", ".join(label for _code, label in self.choices)
            raise ValueError(f"{self.label} must be one of: {allowed}")
        return str(value)

    def _table(self, value: Any) -> dict[str, int]:
        """A table of whole numbers with a value for each of the default's keys, none more."""
        if not isinstance(value, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
        ):
            raise ValueError(f"{self.label} must map names to whole numbers, none negative")
        missing = set(self.default) - set(value)
        if missing:
            raise ValueError(f"{self.label} has no value for {sorted(missing)[0]}")
        unknown = set(value) - set(self.default)
        if unknown:
            raise ValueError(f"{self.label} has no place for {sorted(unknown)[0]!r}")
        top = self.maximum
        over = sorted(k for k, v in value.items() if top is not None and v > top)
        if over:
            raise ValueError(f"{self.label}: {over[0]} must be at most {top:g}")
        return {str(k): int(v) for k, v in value.items()}


def _iso_date(label: str, item: object) -> str:
    try:
        return date.fromisoformat(str(item)).isoformat()
    except ValueError:
        raise ValueError(f"{label}: {item!r} is not a date in the form YYYY-MM-DD") from None
