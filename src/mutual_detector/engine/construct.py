"""Build frozen result models without validating them again.

Every value the engine puts in a result is produced by its own code from a
validated questionnaire and validated answers, so validating the result tree
(about 200 objects) again only costs time: it was about a third of scoring an
assessment. :func:`make` creates a model instance the way pydantic's
``model_construct`` does, minus its per-field bookkeeping, which makes it
several times faster than ``model_construct`` (itself slower than validation).

The caller's duties, which validation would otherwise fulfil:

* ``data`` holds every field, in the order the model declares them (the JSON
  follows this order), and nothing else;
* each value already has its declared type: a ``float`` field gets a
  ``float`` (never an ``int``), a nested model an instance of that model, a
  list a fresh list that nothing else holds.

``tests/test_engine_construct.py`` checks these for every model in the
results of all examples and snapshots, and that each result equals, field by
field and byte for byte, the same result validated from its dump.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_new: Final = object.__new__
# The slot descriptors pydantic's own model_construct sets through object.__setattr__, called
# directly: a third faster.
_set_dict: Final = BaseModel.__dict__["__dict__"].__set__
_set_fields_set: Final = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra: Final = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private: Final = BaseModel.__dict__["__pydantic_private__"].__set__
_fields: dict[type[BaseModel], set[str]] = {}


def make(cls: type[M], data: dict[str, Any], fields_set: set[str] | None = None) -> M:
    """An instance of ``cls`` holding ``data`` (owned by the instance from now on), unvalidated.

    ``fields_set``: the fields that were given, if not all (the others hold defaults).
    """
    fields = fields_set if fields_set is not None else _fields.get(cls)
    if fields is None:
        fields = _fields[cls] = set(cls.model_fields)
    model: M = _new(cls)
    _set_dict(model, data)
    # Every field is given, as ``data`` holds them all, so every instance of ``cls`` has the
    # same fields set: one shared set serves. Nothing adds to it: a frozen model refuses
    # assignment, and model_copy() copies the set before it adds to it.
    _set_fields_set(model, fields)
    _set_extra(model, None)
    _set_private(model, None)
    return model


__all__ = ["make"]
