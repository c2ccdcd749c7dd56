"""``Record``: the base of the plain data classes that every run creates.

They were ``@dataclass`` classes.  A dataclass writes the source of its ``__init__``,
``__repr__`` and ``__eq__`` and compiles it with ``exec`` when its module is imported:
0.3 to 0.7 ms a class, about 13 ms of every run for the thirty classes of a lint,
where jalint counts start-up in milliseconds.  A subclass of ``Record`` writes its
``__init__`` by hand and names its fields in ``_fields`` (usually also its
``__slots__``); ``Record`` gives it what the dataclass generated besides: ``__repr__``,
``__eq__`` (same class, equal fields; unhashable, like a dataclass's) and
``replace`` (``dataclasses.replace``).  Nothing here compiles code.
"""
from __future__ import annotations


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()  # the ``__init__`` parameters, in order

    def _values(self) -> tuple:
        return tuple([getattr(self, name) for name in self._fields])

    def __repr__(self) -> str:
        fields = ", ".join([f"{name}={getattr(self, name)!r}" for name in self._fields])
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # mutable, compared by value: unhashable

    def replace(self, **changes):
        """A new record with ``changes`` made, the other fields the same objects
        (as ``dataclasses.replace``; an unknown field is a TypeError)."""
        values = {name: getattr(self, name) for name in self._fields}
        return type(self)(**{**values, **changes})
