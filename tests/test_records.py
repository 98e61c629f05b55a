"""records.dataclass: a class whose methods' code came from the cache is the class
dataclasses.dataclass makes, and a cache entry that is damaged or not the text's is not used."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import marshal
import pickle
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from conftest import fresh_store, new_process, store_file
from seed_kickoff import cache, records

Decorator = Callable[..., Any]

# Every option of dataclass() kickoff uses, and the rest a class may ask for.
OPTIONS: list[dict[str, Any]] = [
    {},
    {"frozen": True},
    {"slots": True},
    {"frozen": True, "slots": True},
    {"eq": False},
    {"order": True},
    {"unsafe_hash": True},
    {"repr": False, "init": False},
    {"kw_only": True},
    {"match_args": False, "frozen": True, "eq": False},
]


def make_classes(decorate: Decorator, prefix: str) -> list[type[Any]]:
    """One class per option set, each with defaults, a factory, a field left out of comparison,
    a keyword-only field and a class variable, made by ``decorate`` and picklable by name."""
    made = []
    for number, options in enumerate(OPTIONS):

        class Record:
            """A record with every kind of field."""

            name: str
            size: int = 3
            tags: list[str] = dataclasses.field(default_factory=list)
            note: str | None = dataclasses.field(default=None, compare=False, repr=False)
            weight: float = dataclasses.field(default=1.5, kw_only=True)
            KIND: ClassVar[str] = "record"

        Record.__qualname__ = Record.__name__ = f"{prefix}{number}"
        cls = decorate(**options)(Record)
        globals()[cls.__qualname__] = cls  # pickle finds a class by module and name
        made.append(cls)
    return made


def instances(cls: type[Any], init: bool) -> list[Any]:
    if not init:  # init=False: the fields' defaults, set by hand
        objects = [object.__new__(cls), object.__new__(cls)]
        for obj, name in zip(objects, ("a", "b"), strict=True):
            for attr, value in (("name", name), ("size", 3), ("tags", []), ("note", None)):
                object.__setattr__(obj, attr, value)
            object.__setattr__(obj, "weight", 1.5)
        return objects
    return [
        cls(name="a"),
        cls(name="b", size=4, tags=["x"], note="n", weight=2.0),
        cls(name="a", note="ignored"),
    ]


def behaviour(cls: type[Any], options: dict[str, Any]) -> list[object]:
    """Everything a caller can see of a dataclass, with the class's own name taken out."""
    name = cls.__qualname__

    def plain(value: object) -> object:  # object's own repr (repr=False) names an address
        return re.sub(" at 0x[0-9a-f]+", "", repr(value).replace(name, "Record"))

    seen: list[object] = [
        [
            (f.name, f.default, f.compare, f.repr, f.kw_only, str(f.type))
            for f in dataclasses.fields(cls)
        ],
        str(inspect.signature(cls)),
        getattr(cls, "__match_args__", None),
        # (copyreg adds __slotnames__ on a class's first copy)
        sorted(k for k in vars(cls) if k.startswith("__") and k != "__slotnames__"),
        cls.__hash__ is None,
        hasattr(cls, "__slots__"),
    ]
    objects = instances(cls, options.get("init", True))
    for left in objects:
        seen.append(plain(left))
        seen.append(plain(dataclasses.asdict(left)))
        seen.append(plain(dataclasses.astuple(left)))
        seen.append(plain(pickle.loads(pickle.dumps(left))) == plain(left))
        seen.append(plain(copy.deepcopy(left)))
        if options.get("init", True):
            seen.append(plain(dataclasses.replace(left, size=9)))
        for right in objects:
            seen.append(left == right)
            if options.get("order"):
                seen.append((left < right, left <= right))
        if cls.__hash__ is not None:
            seen.append(outcome(lambda left=left: hash(left) == hash(copy.copy(left))))
        try:
            left.size = 7
            seen.append(("set", left.size))
        except dataclasses.FrozenInstanceError:
            seen.append("frozen")
    return seen


def outcome(call: Callable[[], object]) -> object:
    """What ``call`` returns, or the error it raises (a field of a list type cannot be hashed)."""
    try:
        return call()
    except TypeError as error:
        return type(error), str(error)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory, and the module's state as in a new process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh_store(monkeypatch, records)
    return tmp_path / cache.CACHE_NAME


def generated_code(cls: type[Any]) -> list[object]:
    """The generated methods' code, where it was compiled, and their names (class name out)."""
    return [
        (name, value.__code__, value.__code__.co_filename, value.__qualname__.split(".")[-1])
        for name, value in sorted(vars(cls).items())
        if callable(value) and hasattr(value, "__code__")
    ]


def test_classes_from_the_cache_are_the_classes_dataclass_makes(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = make_classes(dataclasses.dataclass, "Plain")
    compiled = make_classes(records.dataclass, "Compiled")
    assert records._store.new and not records._store._entries  # compiled, to be written at exit
    new_process(monkeypatch, records)
    cached = make_classes(records.dataclass, "Cached")
    assert records._store.new == {}  # every method's code came from the file
    for options, *classes in zip(OPTIONS, reference, compiled, cached, strict=True):
        plain, *ours = classes
        for cls in ours:
            assert dataclasses.is_dataclass(cls)
            assert behaviour(cls, options) == behaviour(plain, options)
            # the same code, as exec would have compiled it from dataclasses' frame
            assert generated_code(cls) == generated_code(plain)
    assert "exec" not in vars(dataclasses)  # the hook lives only while a class is made


def test_what_dataclass_refuses_it_refuses_the_same_way(cache_home: Path) -> None:
    class Bad:
        """A field without a default after one with."""

        first: int = 1
        second: int

    with pytest.raises(TypeError) as plain:
        dataclasses.dataclass(Bad)
    with pytest.raises(TypeError) as ours:
        records.dataclass(Bad)
    assert str(ours.value) == str(plain.value)
    assert "exec" not in vars(dataclasses)


@pytest.mark.parametrize(
    "damage",
    [
        lambda sealed, other: sealed[:-3] + b"\x00\xff\x01",  # damaged code
        lambda sealed, other: sealed[:4],  # truncated
        lambda sealed, other: b"",
        lambda sealed, other: other,  # another text's code, checksum and all (planted)
        lambda sealed, other: ["not", "bytes"],
        lambda sealed, other: cache.seal(sealed[4:]),  # resealed without its text
    ],
    ids=["damaged", "truncated", "empty", "another-text", "not-bytes", "sealed-without-text"],
)
def test_a_damaged_or_planted_entry_is_compiled_again(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes, bytes], Any]
) -> None:
    reference = make_classes(dataclasses.dataclass, "Plain")
    make_classes(records.dataclass, "First")
    new_process(monkeypatch, records)
    entries = records._store.entries()
    texts = list(entries)
    # every entry replaced by its damaged self (or its neighbour's)
    planted = {
        text: damage(entries[text], entries[texts[(i + 1) % len(texts)]])
        for i, text in enumerate(texts)
    }
    monkeypatch.setattr(records._store, "_entries", planted)
    again = make_classes(records.dataclass, "Again")
    for options, plain, cls in zip(OPTIONS, reference, again, strict=True):
        assert behaviour(cls, options) == behaviour(plain, options)
    assert set(records._store.new) == set(texts)  # each compiled anew, to be replaced at exit
    assert all(
        marshal.loads(cache.unseal(records._store.new[t], t.encode()))
        == marshal.loads(cache.unseal(entries[t], t.encode()))
        for t in texts
    )


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00garbage",
        marshal.dumps(((0, "another python", b"magic"), {})),
        marshal.dumps((records._STAMP, ["not", "a", "dict"])),
    ],
    ids=["empty", "garbage", "another-python", "not-a-dict"],
)
def test_a_damaged_file_is_not_read_and_is_replaced(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    make_classes(records.dataclass, "First")
    new_process(monkeypatch, records)
    good = cache.read_entries(store_file(cache_home, records), records._STAMP)
    store_file(cache_home, records).write_bytes(content)
    reference = make_classes(dataclasses.dataclass, "Plain")
    again = make_classes(records.dataclass, "Again")
    for options, plain, cls in zip(OPTIONS, reference, again, strict=True):
        assert behaviour(cls, options) == behaviour(plain, options)
    assert records._store.entries() == {}
    new_process(monkeypatch, records)
    assert set(cache.read_entries(store_file(cache_home, records), records._STAMP)) == set(good)


def test_other_calls_of_exec_go_straight_to_exec(cache_home: Path) -> None:
    namespace: dict[str, Any] = {}
    records._exec("x = 1 + 1", namespace)  # not the shape dataclasses calls
    records._exec(compile("y = 3", "<test>", "exec"), namespace, namespace)
    assert (namespace["x"], namespace["y"]) == (2, 3)
    assert records._store.new == {}


def test_without_a_cache_directory_classes_are_made_as_usual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "cache_dir", lambda: None)
    fresh_store(monkeypatch, records)
    reference = make_classes(dataclasses.dataclass, "Plain")
    ours = make_classes(records.dataclass, "Homeless")
    for options, plain, cls in zip(OPTIONS, reference, ours, strict=True):
        assert behaviour(cls, options) == behaviour(plain, options)
    records._store.save()  # nothing to write to, and no error
    assert not list(tmp_path.iterdir())


def test_classes_made_in_threads_at_once_are_made_alike(cache_home: Path) -> None:
    # Each thread puts the hook in and takes it out around its own class: whichever way they
    # interleave, no class creation fails and each is the plain one's twin.
    # The plain classes' behaviour is seen here, once, not in the threads: a class's first copy
    # or pickle stores __slotnames__ in its dict (copyreg), and a thread doing that to a shared
    # class while another iterates vars() of it fails with "dictionary changed size".
    reference = make_classes(dataclasses.dataclass, "Plain")
    expected = [
        behaviour(plain, options) for options, plain in zip(OPTIONS, reference, strict=True)
    ]
    errors: list[BaseException] = []

    def make(thread: int) -> None:
        try:
            for round_ in range(5):
                made = make_classes(records.dataclass, f"Thread{thread}x{round_}x")
                for options, seen, cls in zip(OPTIONS, expected, made, strict=True):
                    assert behaviour(cls, options) == seen
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        threads = [threading.Thread(target=make, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert "exec" not in vars(dataclasses)
