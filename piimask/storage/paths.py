"""Locations: the one owner of "is this path local", normalization and containment."""

from __future__ import annotations

import os
import posixpath
from urllib.parse import unquote, urlparse

__all__ = ["is_local", "is_within", "normalize", "path_part"]


def is_local(path: str) -> bool:
    """A plain local path (no ``scheme://`` and no ``file:`` prefix)."""
    return not (urlparse(path).scheme and "://" in path) and not path.startswith("file:")


def normalize(path: str) -> str:
    """An absolute, comparable form: URIs keep their scheme, local paths become absolute."""
    if urlparse(path).scheme and "://" in path:
        scheme, rest = path.split("://", 1)
        return scheme.lower().replace("s3a", "s3").replace("s3n", "s3") + "://" + posixpath.normpath(rest)
    return os.path.abspath(os.path.expanduser(path))


def is_within(inner: str, outer: str) -> bool:
    """Whether ``inner`` is ``outer`` or lies below it (compared in normalized form)."""
    a, b = normalize(inner).rstrip("/"), normalize(outer).rstrip("/")
    return a == b or a.startswith(b + "/")


def path_part(path: str) -> str:
    """The path of a URI (``file:``, ``s3://``...), unquoted; a plain path as it is."""
    if "://" in path or path.startswith("file:"):
        return unquote(urlparse(path).path)
    return path
