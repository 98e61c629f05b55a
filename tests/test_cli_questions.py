"""`kickoff questions` and `kickoff check --questions` end to end, through main()."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import EXAMPLES, SHARED, MakeSeeds, needs_shared
from test_cli_check import invoke
from test_questions import NEWS, PROXY

ITEM = re.compile(r"^- \[[ x]\] (?P<text>.*) <!-- (?P<id>q:[^ ]+) -->$", re.MULTILINE)


def edit_like_a_person(text: str, answer: str, paragraph: str) -> tuple[str, str]:
    """Tick the first question of the last section, write an answer under it, add a paragraph."""
    last = list(ITEM.finditer(text))[-1]
    first_of_section = next(
        m
        for m in ITEM.finditer(text)
        if m.group("id").split(":")[1] == last.group("id").split(":")[1]
    )
    line = first_of_section.group(0)
    ticked = line.replace("- [ ] ", "- [x] ", 1)
    text = text.replace(line, f"{ticked}\n\n  {answer}\n", 1)
    return text + f"\n{paragraph}\n", ticked


def check_edits_survive(seeds: Path, out: Path) -> None:
    code, _, err = invoke(["questions", str(seeds), "-o", str(out)])
    assert code == 0, err
    first = out.read_bytes()
    code, _, err = invoke(["questions", str(seeds), "-o", str(out)])
    assert code == 0 and "unchanged" in err
    assert out.read_bytes() == first  # byte for byte, no timestamps

    edited, ticked = edit_like_a_person(
        first.decode(), "Answer: only the meeting schedule.", "Paragraph added after the meeting."
    )
    out.write_text(edited, encoding="utf-8")
    code, _, _ = invoke(["questions", str(seeds), "-o", str(out)])
    assert code == 0
    after = out.read_text(encoding="utf-8")
    assert after == edited  # nothing changed in the seeds: the person's file stays as it is
    assert f"{ticked}\n\n  Answer: only the meeting schedule.\n" in after
    assert after.endswith("\nParagraph added after the meeting.\n")


def test_questions_prints_markdown_when_piped(make_seeds: MakeSeeds) -> None:
    code, out, _ = invoke(["questions", str(make_seeds({"news.txt": NEWS}))])
    assert code == 0
    assert out.startswith("# Questions for the kickoff meeting\n")
    assert "<!-- q-section:* -->" in out
    ids = [m.group("id") for m in ITEM.finditer(out)]
    assert any(i.startswith("q:news.txt:genre.") for i in ids)


def test_questions_file_keeps_edits_on_a_fixture(make_seeds: MakeSeeds, tmp_path: Path) -> None:
    check_edits_survive(make_seeds({"news.txt": NEWS}), tmp_path / "QUESTIONS.md")


def test_check_writes_the_same_checklist(tmp_path: Path) -> None:
    by_check, by_questions = tmp_path / "a.md", tmp_path / "b.md"
    code, out, _ = invoke(["check", str(EXAMPLES), "--questions", str(by_check)])
    assert code == 0 and "gate passed" in out
    assert invoke(["questions", str(EXAMPLES), "-o", str(by_questions)])[0] == 0
    assert by_check.read_bytes() == by_questions.read_bytes()


def test_all_shows_every_question(make_seeds: MakeSeeds) -> None:
    spec = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")
    vague = "\n".join(
        f"- The logger must be fast {i} (see above). Value {i} TBD." for i in range(6)
    )
    seeds = make_seeds({"spec.md": spec + "\n" + vague + "\n"})
    _, top, _ = invoke(["questions", str(seeds)])
    _, every, _ = invoke(["questions", str(seeds), "--all"])
    assert len(ITEM.findall(top)) == 10
    assert re.search(r"_\d+ more questions: `kickoff questions --all` adds them\._", top)
    assert len(ITEM.findall(every)) > 10
    assert "more question" not in every


def test_proxy_smell_in_the_checklist(make_seeds: MakeSeeds) -> None:
    spec = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8").rstrip("\n")
    seeds = make_seeds({"spec.md": f"{spec}\n{PROXY}\n"})
    line = spec.count("\n") + 2
    _, out, _ = invoke(["questions", str(seeds), "--all"])
    assert f"- [ ] line {line} says 'fast': " in out


def test_usage_errors_exit_2(tmp_path: Path, make_seeds: MakeSeeds) -> None:
    code, _, err = invoke(["questions", str(tmp_path / "nope")])
    assert code == 2 and "does not exist" in err
    code, _, _ = invoke(["questions", "--bogus"])
    assert code == 2
    binary = tmp_path / "Q.md"
    binary.write_bytes(b"\xff\xfe\x00")
    code, _, err = invoke(["questions", str(make_seeds({"news.txt": NEWS})), "-o", str(binary)])
    assert code == 2 and "not UTF-8" in err
    assert binary.read_bytes() == b"\xff\xfe\x00"


@needs_shared
def test_real_seed_questions(tmp_path: Path) -> None:
    seeds = SHARED / "seeds"
    code, out, _ = invoke(["questions", str(seeds)])
    assert code == 0
    seed_ids = [m for m in ITEM.finditer(out) if m.group("id").startswith("q:000_")]
    assert len(seed_ids) >= 5
    assert "video link" in out
    out_file = tmp_path / "QUESTIONS.md"
    check_edits_survive(seeds, out_file)
    # check --questions writes the same checklist, and still fails the gate.
    fresh = tmp_path / "FROM-CHECK.md"
    code, _, _ = invoke(["check", str(seeds), "--questions", str(fresh)])
    assert code == 1
    assert fresh.read_text(encoding="utf-8") == out


@needs_shared
def test_real_spec_with_the_proxy_sentence(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # A real specification, copied at test time only (never into the repo).
    source = SHARED / "corpus" / "docs" / "ietf-draft__masque-connect-udp.md"
    shutil.copy(source, seeds / "spec.md")
    with (seeds / "spec.md").open("a", encoding="utf-8") as handle:
        handle.write(PROXY + "\n")
    line = len((seeds / "spec.md").read_text(encoding="utf-8").splitlines())
    code, out, _ = invoke(["questions", str(seeds), "--all"])
    assert code == 0
    assert f"line {line} says 'fast': what latency or throughput" in out


def test_seeds_whose_names_make_the_same_key_keep_their_own_sections(
    make_seeds: MakeSeeds, tmp_path: Path
) -> None:
    # "my brief.md" and "my_brief.md" both became the key my_brief.md: the two sections shared
    # question ids, and a rerun gave the first one the second's heading and lost its end line.
    brief = (EXAMPLES / "tide-app-brief.md").read_text(encoding="utf-8")
    seeds = make_seeds({"my brief.md": brief, "my_brief.md": brief.replace("fast", "quick")})
    out = tmp_path / "Q.md"
    code, _, err = invoke(["questions", str(seeds), "-o", str(out), "--all"])
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    ids = [m.group("id") for m in ITEM.finditer(text)]
    assert len(ids) == len(set(ids))
    assert "## my brief.md: partial" in text and "## my_brief.md: partial" in text
    assert "<!-- q-section:my_brief.md~2 -->" in text
    check_edits_survive(seeds, out)
