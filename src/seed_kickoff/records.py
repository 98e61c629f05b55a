"""``dataclass``, with the generated methods compiled once per Python build instead of at every
import.

``dataclasses.dataclass`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__``
(and more) and ``exec``s it: on Python 3.10-3.12 one text per method, from 3.13 one per class.
Compiling those texts is most of what creating a dataclass costs, and kickoff creates dozens at
every start. While a class is made here, the ``exec`` the dataclasses module calls looks the
text up in a per-user cache of the code compiled from it (marshal, one file per exact Python
build) and runs that code with the same globals and namespace; the class is made by
``dataclasses.dataclass`` itself and is a true dataclass in every respect.

Nothing here can change a class:

- the cache is keyed by the whole source text, and an entry's checksum covers that text and the
  code: code compiled from another text, or damaged, is not used;
- the file is read only by the Python that wrote it (exact ``sys.version`` and bytecode magic);
- anything missing, damaged or odd is compiled the usual way, and a call to ``exec`` of another
  shape (a later dataclasses module) goes straight to ``exec``.

New entries are written once, when the process exits (cache.EntryFile).
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import sys
from importlib._bootstrap_external import MAGIC_NUMBER
from types import CodeType
from typing import TYPE_CHECKING, Any

from seed_kickoff.cache import EntryFile, Stamp, seal, unseal

_FORMAT = 1
# What the stored code means: a file written under anything else is not read.
_STAMP: Stamp = (_FORMAT, sys.version, MAGIC_NUMBER)
# kickoff's classes need about 120 texts on Python 3.11; past this the file starts again.
MAX_ENTRIES = 512

_store = EntryFile("records", _STAMP, MAX_ENTRIES)


def _record(cls: type[Any] | None = None, /, **options: Any) -> Any:
    """``dataclasses.dataclass(cls, **options)``, its methods' code from the cache."""
    if cls is None:
        return lambda cls: _record(cls, **options)
    if "exec" in vars(dataclasses):  # another thread is making one, or someone hooked exec
        return dataclasses.dataclass(cls, **options)
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    try:
        return dataclasses.dataclass(cls, **options)
    finally:
        # (pop: a thread that installed it at the same time may have taken it away already; any
        # class then made without it is made by exec itself, the same class)
        vars(dataclasses).pop("exec", None)


if TYPE_CHECKING:  # type checkers see the real decorator, with all it tells them
    from dataclasses import dataclass as dataclass
else:
    dataclass = _record


def _exec(*args: Any, **kwargs: Any) -> None:
    """``exec``, with a source text's code from the cache when it is the call dataclasses makes:
    ``exec(text, globals, namespace)``."""
    if len(args) == 3 and not kwargs and type(args[0]) is str:
        source, globals_, namespace = args
        builtins.exec(compiled(source), globals_, namespace)
    else:
        builtins.exec(*args, **kwargs)


def compiled(source: str) -> CodeType:
    """What ``exec(source)`` would compile (from dataclasses' frame, which has no future
    imports), from the cache when this Python compiled ``source`` before."""
    salt = source.encode("utf-8", "surrogatepass")
    sealed = _store.get(source)
    if sealed is not None:
        try:
            code = marshal.loads(unseal(sealed, salt))
            if type(code) is CodeType:
                return code
        except (EOFError, TypeError, ValueError):
            pass  # damaged, or not this text's: compile it again and replace the entry
    code = compile(source, "<string>", "exec", dont_inherit=True)
    _store.add(source, seal(marshal.dumps(code), salt))
    return code
