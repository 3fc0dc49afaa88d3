"""``ctx.storage`` on a real network: a dict kept in a JSON file, like a disk.

Every change is written at once to a temporary file that then replaces the
node's file (``os.replace`` is atomic), so a ``kill -9`` at any moment leaves
either the old or the new contents, never half of them. It survives a crash of
the process, not a crash of the machine (there is no ``fsync``).

Values must be JSON data (str, int, float, bool, None, lists, dicts with str
keys); a tuple comes back as a list. Anything else is refused at the change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..runtime.errors import invalid


class PersistentStorage(dict[str, Any]):
    """A dict that writes itself to ``path`` after every change.

    Args:
        path: the node's storage file; read if it exists.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(json.loads(path.read_text()) if path.exists() else {})
        self.path = path

    def _save(self, before: dict[str, Any]) -> None:
        try:
            text = json.dumps(self, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError):
            bad = {k: v for k, v in self.items() if k not in before or before[k] is not v}
            super().clear()
            super().update(before)
            raise invalid(
                "storage",
                bad,
                "values must be JSON data (str, int, float, bool, None, lists, "
                "dicts with str keys)",
            ) from None
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(text)
        os.replace(temporary, self.path)

    def __setitem__(self, key: str, value: Any) -> None:
        before = dict(self)
        super().__setitem__(key, value)
        self._save(before)

    def __delitem__(self, key: str) -> None:
        before = dict(self)
        super().__delitem__(key)
        self._save(before)

    def update(self, *args: Any, **kwargs: Any) -> None:
        before = dict(self)
        super().update(*args, **kwargs)
        self._save(before)

    def pop(self, key: str, *default: Any) -> Any:
        before = dict(self)
        value = super().pop(key, *default)
        self._save(before)
        return value

    def popitem(self) -> tuple[str, Any]:
        before = dict(self)
        item = super().popitem()
        self._save(before)
        return item

    def setdefault(self, key: str, default: Any = None) -> Any:
        before = dict(self)
        value = super().setdefault(key, default)
        self._save(before)
        return value

    def clear(self) -> None:
        before = dict(self)
        super().clear()
        self._save(before)

    def __ior__(self, other: Any) -> PersistentStorage:  # type: ignore[override,misc]
        self.update(other)
        return self
