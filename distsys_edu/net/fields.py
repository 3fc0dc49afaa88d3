"""Whether a value received from the network fits a message field's annotation.

A datagram that passes the HMAC check comes from a holder of the key, but its
fields may still be anything JSON can say: ``term="zzz"`` in a ``RequestVote``
would crash the receiving node's handler. So :class:`~.codec.MessageCodec` checks
every field of every message it builds against the message type's annotations
(:func:`fits`) before any actor sees it, and refuses it otherwise.

What an annotation allows (what a message that survived JSON can hold):

* ``int``: an int, not a bool; ``float``: an int or a float, not NaN (a NaN never
  comes back equal, so no sender can send one); ``bool``, ``str``, ``None``;
* ``X | Y`` (and ``Optional[X]``): whatever ``X`` or ``Y`` allows;
* ``tuple[X, ...]`` and ``tuple[X, Y]``: a tuple (JSON lists come back as tuples)
  whose items fit; ``dict[K, V]``: a dict whose keys and values fit;
  ``Literal[...]``: one of the values;
* a class (an address, a registered message type): an instance of it;
* ``Any`` and ``object``: anything (already limited in depth by the codec).

Anything else (``list``, ``set``, which never survive JSON) fits nothing.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any


def fits(value: Any, annotation: Any) -> bool:
    """Whether ``value`` is allowed in a field annotated ``annotation`` (see above)."""
    if annotation in (Any, object):
        return True
    if annotation is None or annotation is type(None):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and not (isinstance(value, float) and math.isnan(value))
        )
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, arg) for arg in args)
    if origin is typing.Literal:
        return any(value == arg and type(value) is type(arg) for arg in args)
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(fits(item, args[0]) for item in value)
        return len(value) == len(args) and all(map(fits, value, args))
    if origin is dict:
        key, item = args or (Any, Any)
        return isinstance(value, dict) and all(
            fits(k, key) and fits(v, item) for k, v in value.items()
        )
    if origin is None and isinstance(annotation, type) and annotation not in (list, set, dict):
        return isinstance(value, annotation)
    return False
