"""What Spark can do with a column's type: walk nested types, group by a value."""

from __future__ import annotations

from collections.abc import Iterator

from pyspark.sql.types import ArrayType, DataType, DoubleType, FloatType, MapType, StructType

__all__ = ["FLOAT_TYPES", "groupable", "nested_types"]

FLOAT_TYPES = (FloatType, DoubleType)


def nested_types(dtype: DataType) -> Iterator[DataType]:
    """``dtype`` and every type inside it."""
    yield dtype
    if isinstance(dtype, StructType):
        for f in dtype.fields:
            yield from nested_types(f.dataType)
    elif isinstance(dtype, ArrayType):
        yield from nested_types(dtype.elementType)
    elif isinstance(dtype, MapType):
        yield from nested_types(dtype.keyType)
        yield from nested_types(dtype.valueType)


def groupable(dtype: DataType) -> bool:
    """Whether Spark can group by values of ``dtype``: not with a map anywhere inside."""
    return not any(isinstance(t, MapType) for t in nested_types(dtype))
