"""Locations: the one owner of "is this path local", normalization and containment."""

from __future__ import annotations

import os
import posixpath
from urllib.parse import unquote, urlparse

__all__ = ["is_local", "is_within", "local_part", "normalize", "path_part", "real"]


def is_local(path: str) -> bool:
    """A plain local path (no ``scheme://`` and no ``file:`` prefix)."""
    return not (urlparse(path).scheme and "://" in path) and not path.startswith("file:")


def normalize(path: str) -> str:
    """An absolute, comparable form: URIs keep their scheme, local paths become absolute."""
    if urlparse(path).scheme and "://" in path:
        scheme, rest = path.split("://", 1)
        return scheme.lower().replace("s3a", "s3").replace("s3n", "s3") + "://" + posixpath.normpath(rest)
    return os.path.abspath(os.path.expanduser(path))


def _below(a: str, b: str) -> bool:
    a, b = a.rstrip("/") or "/", b.rstrip("/") or "/"
    return a == b or a.startswith(b.rstrip("/") + "/")


def local_part(path: str) -> str | None:
    """The local file-system path of a plain path or ``file:`` URI; None for other schemes."""
    if is_local(path):
        return path
    if urlparse(path).scheme == "file":
        return path_part(path)
    return None


def real(path: str) -> str:
    """A local path with every symbolic link resolved (as far as the path exists); any other
    URI as ``normalize`` gives it (object stores have no links)."""
    local = local_part(path)
    if local is None:
        return normalize(path)
    return os.path.realpath(normalize(local))


def is_within(inner: str, outer: str) -> bool:
    """Whether ``inner`` is ``outer`` or lies below it, compared both as written (normalized) and,
    for local paths, with symbolic links resolved: an output reached through a link into the
    input folder is inside the input, whatever its spelling."""
    if _below(normalize(inner), normalize(outer)):
        return True
    both_local = local_part(inner) is not None and local_part(outer) is not None
    return both_local and _below(real(inner), real(outer))


def path_part(path: str) -> str:
    """The path of a URI (``file:``, ``s3://``...), unquoted; a plain path as it is."""
    if "://" in path or path.startswith("file:"):
        return unquote(urlparse(path).path)
    return path
