"""The KV state a turn starts from: the kept branch end sharing the longest start with its
prompt, in RAM (ParkedStates) and on disk (KvStateFiles). No model needed."""

from __future__ import annotations

from pathlib import Path

from app.engine.branch_choice import choose, shared_start
from app.engine.kv_files import KvSnapshot, KvStateFiles
from app.engine.kv_parking import ParkedStates

SYSTEM = "<s>system: be brief</s>"
ROOT = SYSTEM + "<user>tell me about owls</user>"
BRANCH_A = ROOT + "<bot>Owls hunt at night.</bot>"
BRANCH_B = ROOT + "<bot>Owls have big eyes.</bot>"


def _snap(text: str, cid: str = "c", fingerprint: str = "fp", size: int = 10) -> KvSnapshot:
    return KvSnapshot(cid, fingerprint, list(range(len(text) // 4)), text, b"s" * size)


def test_shared_start_counts_characters_in_common() -> None:
    assert shared_start(BRANCH_A, BRANCH_B) == len(ROOT) + len("<bot>Owls h")
    assert shared_start(ROOT, BRANCH_A) == len(ROOT)
    assert shared_start("", BRANCH_A) == 0
    assert shared_start("x", "y") == 0


def test_choose_takes_the_branch_end_deepest_on_the_prompts_path() -> None:
    follow_up_on_b = BRANCH_B + "<user>why?</user><bot>"
    assert choose([BRANCH_A, BRANCH_B], follow_up_on_b) == 1
    assert choose([BRANCH_B, BRANCH_A], BRANCH_A + "<user>and?</user>") == 1
    assert choose([ROOT, BRANCH_A], follow_up_on_b) == 1, "A shares ROOT and a bit more"
    assert choose([ROOT, "<s>sys"], follow_up_on_b) == 0
    assert choose([BRANCH_A, BRANCH_A], BRANCH_A) == 0, "a tie goes to the most recent"
    held_share = shared_start(BRANCH_A, follow_up_on_b)
    assert choose([BRANCH_A], follow_up_on_b, held_share) is None, "the held state is as good"
    assert choose(["other"], follow_up_on_b) is None


def test_parking_keeps_one_state_per_branch_end_and_drops_the_ones_continued() -> None:
    parked = ParkedStates(limit_bytes=10**6)
    parked.park(_snap(ROOT))
    parked.park(_snap(BRANCH_A))  # continues ROOT: ROOT's state is of no more use
    parked.park(_snap(BRANCH_B))
    parked.park(_snap(BRANCH_A, cid="other"))
    assert [s.text for s in parked.of("c", "fp")] == [BRANCH_B, BRANCH_A]
    assert parked.of("c", "another-model") == []
    taken = parked.take("c", "fp")
    assert taken is not None and taken.text == BRANCH_B
    parked.remove(_snap(BRANCH_A))
    assert "c" not in parked and "other" in parked


def test_files_keep_each_branch_end_and_load_the_best_for_a_prompt(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 10**9)
    files.save(_snap(ROOT))
    files.save(_snap(BRANCH_A))
    assert len(list(tmp_path.glob("*.kv"))) == 1, "A continues ROOT: one file"
    files.save(_snap(BRANCH_B))
    assert len(list(tmp_path.glob("*.kv"))) == 2, "B is another branch: A's file stays"
    loaded = files.load("c", "fp")
    assert loaded is not None and loaded.text == BRANCH_B, "the main file is the last saved"
    best_a = files.load_best("c", "fp", BRANCH_A + "<user>more</user>")
    best_b = files.load_best("c", "fp", BRANCH_B + "<user>more</user>")
    assert best_a is not None and best_a.text == BRANCH_A
    assert best_b is not None and best_b.text == BRANCH_B
    assert files.load_best("c", "other-model", BRANCH_A) is None
    assert files.load_best("d", "fp", BRANCH_A) is None
    files.forget("c")
    assert list(tmp_path.glob("*.kv")) == []


def test_a_damaged_branch_file_is_not_loaded(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 10**9)
    files.save(_snap(BRANCH_A))
    files.save(_snap(BRANCH_B))
    (branch_file,) = [p for p in tmp_path.glob("*.kv") if p != files.path_for("c", "fp")]
    raw = branch_file.read_bytes()
    branch_file.write_bytes(raw[:-3] + b"xyz")
    assert files.load_best("c", "fp", BRANCH_A + "<user>more</user>") is None
    assert not branch_file.exists(), "removed, as a damaged main file is"
