"""``ctx.storage`` on a real network: a dict kept in a JSON file, like a disk.

Every change is written at once to a temporary file that then replaces the
node's file (``os.replace`` is atomic), so a ``kill -9`` at any moment leaves
either the old or the new contents, never half of them. It survives a crash of
the process, not a crash of the machine (there is no ``fsync``).

Values must be JSON data (str, int, float, bool, None, lists, dicts with str
keys), or the protocol's registered dataclasses when a :class:`~.codec.MessageCodec`
is given (a Raft log is a list of ``Entry``): those are kept as the trace writes them,
``{"type": name, "fields": {...}}``, and come back as the same objects. Outside such
an object a tuple comes back as a list. Anything else is refused at the change.

A value changed in place (``storage["log"].append(entry)``) is written by
:meth:`PersistentStorage.flush`, which the node calls after every callback of its
actor and before every message it sends: what a node has said, it has on its disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..runtime import MessageTypeError
from ..runtime.errors import invalid
from .codec import MessageCodec


class PersistentStorage(dict[str, Any]):
    """A dict that writes itself to ``path`` after every change.

    Args:
        path: the node's storage file; read if it exists.
        codec: the dataclasses it may keep besides JSON data (``None``: none).
    """

    def __init__(self, path: Path, codec: MessageCodec | None = None) -> None:
        self.codec = codec
        self.written = path.read_text() if path.exists() else None
        super().__init__(self._decode(json.loads(self.written)) if self.written else {})
        self.path = path

    def _decode(self, data: Any) -> Any:
        """``data`` read back: registered dataclasses as objects, lists as lists."""
        if isinstance(data, list):
            return [self._decode(v) for v in data]
        if not isinstance(data, dict):
            return data
        if self.codec is not None and data.keys() == {"type", "fields"}:
            return self.codec.decode(data)
        return {k: self._decode(v) for k, v in data.items()}

    def _encode(self, value: Any) -> Any:
        """What JSON cannot write itself: a registered dataclass (else ``TypeError``)."""
        if self.codec is None:
            raise TypeError(f"{value!r:.80} is not JSON data")
        return self.codec.encode(value)

    def flush(self) -> None:
        """Write the contents if they changed since the last write (in place, too).

        Raises:
            InvalidArgument: a value that is neither JSON data nor a registered dataclass.
        """
        self._save(dict(self))

    def _save(self, before: dict[str, Any]) -> None:
        try:
            text = json.dumps(self, sort_keys=True, allow_nan=False, default=self._encode)
        except (TypeError, ValueError, MessageTypeError):
            changed = {k: v for k, v in self.items() if k not in before or before[k] is not v}
            bad = changed or dict(self)  # a change in place: all that is there
            super().clear()
            super().update(before)
            raise invalid(
                "storage",
                bad,
                "values must be JSON data (str, int, float, bool, None, lists, "
                "dicts with str keys) or the protocol's registered dataclasses",
            ) from None
        if text == self.written:
            return
        self.written = text
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
        if key in self:  # nothing changes: no write (see flush for changes in place)
            return self[key]
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
