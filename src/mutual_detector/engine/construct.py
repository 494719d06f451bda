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
_set: Final = object.__setattr__


def make(cls: type[M], data: dict[str, Any]) -> M:
    """An instance of ``cls`` holding ``data`` (owned by the instance from now on), unvalidated."""
    model = _new(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", set(data))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


__all__ = ["make"]
