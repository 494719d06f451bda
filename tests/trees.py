"""One deep comparison for the tests that build models without validating them.

The engine's results (``engine/construct.py``) are built without pydantic's
validator; their tests compare what was built with what validation builds,
with :func:`same_tree`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import pydantic


def same_tree(
    built: Any,
    checked: Any,
    where: str = "value",
    *,
    loose_fields_set: Collection[str] = (),
    extra_keys: bool = False,
) -> None:
    """Equal values of identical types all the way down; models alike to the last slot.

    Models hold their fields in declared order, the same fields set (except at
    the paths in ``loose_fields_set``), extra and private; ``extra_keys``
    allows other keys in a model's ``__dict__`` (cached properties). Dict keys
    keep their order and types; a NaN anywhere fails.
    """
    assert type(built) is type(checked), (where, type(built), type(checked))
    if isinstance(built, pydantic.BaseModel):
        fields = list(type(built).model_fields)
        if extra_keys:
            assert [k for k in built.__dict__ if k in fields] == fields, where
        else:
            assert list(built.__dict__) == fields, where
            assert list(checked.__dict__) == fields, where
        if where not in loose_fields_set:
            assert built.model_fields_set == checked.model_fields_set, where
        assert built.__pydantic_extra__ == checked.__pydantic_extra__, where
        assert built.__pydantic_private__ == checked.__pydantic_private__, where
        for name in fields:
            same_tree(
                built.__dict__[name],
                checked.__dict__[name],
                f"{where}.{name}",
                loose_fields_set=loose_fields_set,
                extra_keys=extra_keys,
            )
    elif isinstance(built, list | tuple):
        assert len(built) == len(checked), where
        for i, (b, c) in enumerate(zip(built, checked, strict=True)):
            same_tree(
                b, c, f"{where}[{i}]", loose_fields_set=loose_fields_set, extra_keys=extra_keys
            )
    elif isinstance(built, dict):
        assert list(built) == list(checked), where
        for key in built:
            assert type(key) is type(next(k for k in checked if k == key)), where
            same_tree(
                built[key],
                checked[key],
                f"{where}[{key!r}]",
                loose_fields_set=loose_fields_set,
                extra_keys=extra_keys,
            )
    elif isinstance(built, float) and math.isnan(built):
        raise AssertionError(f"{where}: NaN")
    else:
        assert built == checked, where
