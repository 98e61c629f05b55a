"""Writing a report to a stream piece by piece, byte for byte what building it whole would give."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any, Protocol


class TextOut(Protocol):
    """Where a renderer writes: stdout, the temporary file of -o, a StringIO."""

    def write(self, text: str, /) -> object: ...


Writer = Callable[[Any, TextOut], None]


def render_to_string(write: Writer, result: Any) -> str:
    out = io.StringIO()
    write(result, out)
    return out.getvalue()


class Lines:
    """Writes lines as ``"\\n".join(lines)`` would, one at a time."""

    def __init__(self, out: TextOut) -> None:
        self.out = out
        self.started = False

    def add(self, line: str) -> None:
        if self.started:
            self.out.write("\n")
        self.out.write(line)
        self.started = True

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.add(line)


class JsonList:
    """A JSON array in a document for ``write_json``, written one item (plain JSON data) at a
    time: the items are made as they are written, never all held at once."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _dumps(value: Any, level: int) -> str:
    import json  # only the JSON formats (json, sarif) get here

    text = json.dumps(value, indent=2, ensure_ascii=False)
    # The only line breaks json.dumps writes are its own (it escapes those in strings).
    return text.replace("\n", "\n" + "  " * level) if level else text


def _holds_list(value: Any) -> bool:
    if isinstance(value, JsonList):
        return True
    if isinstance(value, dict):
        return any(_holds_list(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_list(item) for item in value)
    return False


def write_json(out: TextOut, value: Any, level: int = 0) -> None:
    """Write what ``json.dumps(value, indent=2, ensure_ascii=False)`` returns, with each JsonList
    in ``value`` written as an array, item by item."""
    if not _holds_list(value):
        out.write(_dumps(value, level))
        return
    pad = "  " * level
    if isinstance(value, dict):
        opening, closing = "{", "}"
        for number, (key, item) in enumerate(value.items()):
            out.write((opening if number == 0 else ",") + "\n" + pad + "  ")
            out.write(_dumps(key, 0) + ": ")
            write_json(out, item, level + 1)
        out.write("\n" + pad + closing)
        return
    items = value.items if isinstance(value, JsonList) else value
    empty = True
    for item in items:
        out.write(("[" if empty else ",") + "\n" + pad + "  ")
        if isinstance(value, JsonList):
            out.write(_dumps(item, level + 1))  # plain data: no need to look inside
        else:
            write_json(out, item, level + 1)
        empty = False
    out.write("[]" if empty else "\n" + pad + "]")
