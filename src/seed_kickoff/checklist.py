"""The questions checklist as a Markdown task list, merged with the file people already edited.

kickoff owns three kinds of line, each ending in an HTML comment that carries its key:

    ## TITLE <!-- q-section:KEY -->        a section heading
    - [ ] QUESTION <!-- q:SEED:RULE -->     a question (the tick is the person's)
    NOTE <!-- q-end:KEY -->                 the end of a section ("N more questions")

Every other line belongs to the people who edit the file and is kept byte for byte, where they put
it. Regenerating rewrites managed lines in place (so the order people gave stays), keeps each tick,
marks questions whose cause has gone as resolved, and inserts new questions before their section's
end line, new sections after the last one. Nothing depends on the time: no change, no new bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

from seed_kickoff.atomic import atomic_write_text
from seed_kickoff.errors import OutputError
from seed_kickoff.loader import read_whole
from seed_kickoff.questions import Question, QuestionSection
from seed_kickoff.records import dataclass

TITLE = "# Questions for the kickoff meeting"
INTRO = (
    "Written by `kickoff questions`. Tick a question when the meeting has answered it and write\n"
    "the answer under it: a rerun keeps ticks, answers and anything else you add. Lines ending in\n"
    "`<!-- q... -->` are kickoff's; a question whose cause has gone is struck through, not deleted."
)
RESOLVED = " (resolved)"

# A line is split on the file's own line break only; [^\r\n] and \Z keep a pattern from reaching
# over a CR or LF left inside it, which would make people's lines before it kickoff's.
_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)[-*+] \[(?P<mark>[ xX])\] (?P<text>[^\r\n]*?)[ \t]*"
    r"<!-- (?P<id>q:\S+) -->[ \t]*\Z"
)
_SECTION = re.compile(r"^#{1,6} [^\r\n]*<!-- q-section:(?P<key>\S+) -->[ \t]*\Z")
_END = re.compile(r"^[^\r\n]*<!-- q-end:(?P<key>\S+) -->[ \t]*\Z")
_STRUCK = re.compile(r"^~~(?P<text>.*)~~" + re.escape(RESOLVED) + "$")


@dataclass
class _Parsed:
    """What an existing checklist file holds, as write_checklist reads it."""

    items: dict[str, list[int]]  # question id -> the lines carrying it
    sections: dict[str, int]  # section key -> heading line
    ends: dict[str, int]  # section key -> end line


def render_checklist(sections: list[QuestionSection], existing: str | None = None) -> str:
    """The checklist as Markdown; merged into ``existing`` (a checklist people edited) if given."""
    newline = _newline(existing or "")
    if existing is None or not existing.strip():
        lines = [TITLE, "", *INTRO.split("\n")]
    else:
        # Split on the file's own line ends only: any other character people wrote stays as is.
        lines = existing.removesuffix(newline).split(newline)
    _merge(lines, sections)
    return newline.join(lines) + newline


def _newline(text: str) -> str:
    """The file's line break: CRLF, LF, or a lone CR (an old Mac editor's) when it has no LF."""
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def write_checklist(path: Path, sections: list[QuestionSection]) -> bool:
    """Create or update the checklist at ``path`` atomically. True when its bytes changed."""
    existing: str | None = None
    if path.is_file():  # a pipe or device (-o /dev/stdout) holds no checklist to update
        try:
            existing = read_whole(path).decode("utf-8-sig")
        except OSError as err:
            raise OutputError(f"cannot read: {err.strerror or err}", str(path)) from None
        except UnicodeDecodeError:
            raise OutputError("not UTF-8 text; refusing to overwrite it", str(path)) from None
    text = render_checklist(sections, existing)
    if text == existing:
        return False
    try:
        atomic_write_text(path, text)
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror or err}", str(path)) from None
    return True


def _parse(lines: list[str]) -> _Parsed:
    parsed = _Parsed({}, {}, {})
    for number, line in enumerate(lines):
        if "<!-- q" not in line:
            continue  # the common case: a line people wrote
        if item := _ITEM.match(line):
            parsed.items.setdefault(item["id"], []).append(number)
        elif section := _SECTION.match(line):
            parsed.sections.setdefault(section["key"], number)
        elif end := _END.match(line):
            parsed.ends.setdefault(end["key"], number)
    return parsed


def _merge(lines: list[str], sections: list[QuestionSection]) -> None:
    parsed = _parse(lines)
    open_questions = {q.id: q for section in sections for q in section.questions}
    # 1. Rewrite the questions already in the file, in place: the order stays the people's.
    for qid, numbers in parsed.items.items():
        for number in numbers:
            match = _ITEM.match(lines[number])
            assert match is not None  # parsed above
            question = open_questions.get(qid)
            text = match["text"]
            if question is not None:
                text = _clean(question.text)
            elif not _STRUCK.match(text):
                text = f"~~{text}~~{RESOLVED}"
            lines[number] = f"{match['indent']}- [{match['mark']}] {text} <!-- {qid} -->"
    # 2. Section by section: heading, new questions, end line. Insertions are collected against the
    # parsed positions and applied at the end, bottom first, so no position moves under another.
    present = set(parsed.items)
    ends = sorted(parsed.ends.values())
    after_last = ends[-1] + 1 if ends else len(lines)
    inserts: dict[int, list[str]] = {}
    for section in sections:
        key = section.anchor
        shown = {q.id for q in section.questions[: section.shown]}
        new = [q for q in section.questions if q.id in shown and q.id not in present]
        hidden = sum(1 for q in section.questions if q.id not in shown and q.id not in present)
        heading = f"## {_clean(section.title)} <!-- q-section:{key} -->"
        end = _end_line(key, hidden)
        if key in parsed.sections:
            lines[parsed.sections[key]] = heading
        if key in parsed.ends:
            lines[parsed.ends[key]] = end
        if not new:
            continue
        block = [_item_line(q) for q in new]
        at = _insertion_point(parsed, key)
        if at is None:  # a section new to the file: after the last section, or at the end
            at = after_last
            block = ["", heading, "", *block, "", end]
        else:
            block = [*block, ""]
            if at > 0 and lines[at - 1].strip():
                block.insert(0, "")
        inserts.setdefault(at, []).extend(block)
    for at in sorted(inserts, reverse=True):
        lines[at:at] = inserts[at]
    parsed = _parse(lines)
    # 3. Sections whose seed has gone: no "more questions" to promise any longer.
    for key in set(parsed.ends) - {s.anchor for s in sections}:
        lines[parsed.ends[key]] = _end_line(key, 0)


def _insertion_point(parsed: _Parsed, key: str) -> int | None:
    """Where new questions of section ``key`` go: before its end line, after its last question,
    or after its heading; None when the section is not in the file."""
    if key in parsed.ends:
        return parsed.ends[key]
    mine = [n for qid, numbers in parsed.items.items() if _section_of(qid) == key for n in numbers]
    if mine:
        return max(mine) + 1
    if key in parsed.sections:
        return parsed.sections[key] + 1
    return None


def _section_of(qid: str) -> str:
    return qid.split(":")[1]


def _item_line(question: Question) -> str:
    return f"- [ ] {_clean(question.text)} <!-- {question.id} -->"


def _end_line(key: str, hidden: int) -> str:
    if hidden <= 0:
        return f"<!-- q-end:{key} -->"
    noun = "question" if hidden == 1 else "questions"
    return f"_{hidden} more {noun}: `kickoff questions --all` adds them._ <!-- q-end:{key} -->"


def _clean(text: str) -> str:
    """One line, and nothing that could close or open kickoff's comments."""
    return " ".join(text.split()).replace("<!--", "<!-").replace("-->", "->")
