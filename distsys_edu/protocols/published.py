"""What a node publishes for pictures and checks, kept apart from its algorithm.

A protocol's handlers should read like its paper: no bookkeeping for the pictures.
A :class:`PublishingActor` says in one place, its :meth:`~PublishingActor.view`,
what its state means to an onlooker (``role``, ``term``, ``leader``,
``suspects``...), and in :meth:`~PublishingActor.heard` what a message tells the
onlooker's picture (usually: its sender is alive). The entry points the runtime calls
(``started``, every ``on_*`` handler, and the timer callbacks the class names in
:attr:`~PublishingActor.TIMERS`) are wrapped once, when the class is defined: before
a handler runs, ``heard(msg, ctx)``; after any entry point, the view is published with
``ctx.annotate`` if it changed. So a node publishes what it believes at the end of
each event, at the virtual time of that event.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

from ..runtime import Actor, Context


class PublishingActor(Actor):
    """An actor whose published view is computed in one place, apart from its algorithm.

    Subclasses define :meth:`view` and may define :meth:`heard`; they list the
    names of their timer callbacks in :attr:`TIMERS`.

    Attributes:
        published: the view as last published (empty before the first time).
    """

    TIMERS: ClassVar[tuple[str, ...]] = ()
    """The methods this actor gives to ``ctx.run_later`` or ``ctx.run_interval``."""

    published: dict[str, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, method in list(vars(cls).items()):
            if not callable(method) or getattr(method, "__wrapped__", None) is not None:
                continue
            if name.startswith("on_"):
                setattr(cls, name, _publishing_handler(method))
            elif name == "started":
                setattr(cls, name, _publishing_callback(method, fresh=True))
            elif name in cls.TIMERS:
                setattr(cls, name, _publishing_callback(method))

    def view(self, ctx: Context) -> dict[str, Any]:
        """What this node's state means to pictures and checks now."""
        return {}

    def heard(self, msg: Any, ctx: Context) -> None:
        """What receiving ``msg`` changes in the picture, before the handler runs."""

    def publish(self, ctx: Context) -> None:
        """Annotate the view, if it changed since it was last published."""
        view = self.view(ctx)
        if view != self.published:
            self.published = view
            ctx.annotate(**view)


def _publishing_handler(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a message handler: ``heard`` before it, ``publish`` after it."""

    @functools.wraps(handler)
    def publishing_handler(self: PublishingActor, msg: Any, ctx: Context) -> Any:
        self.heard(msg, ctx)
        reply = handler(self, msg, ctx)
        self.publish(ctx)
        return reply

    return publishing_handler


def _publishing_callback(callback: Callable[..., Any], fresh: bool = False) -> Callable[..., Any]:
    """Wrap a timer callback, or ``started`` (``fresh``: a new context publishes anew)."""

    @functools.wraps(callback)
    def publishing_callback(self: PublishingActor, ctx: Context) -> Any:
        if fresh:
            self.published = {}
        result = callback(self, ctx)
        self.publish(ctx)
        return result

    return publishing_callback
