"""Each kind of bad model file: one clear error type that says why; the engine keeps working."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.chat.values import LoadOptions, Message
from app.engine.errors import ModelLoadError
from app.engine.llama_engine import LlamaEngine
from tests.core.bad_models import BAD_KINDS, make_bad_model
from tests.core.model_helpers import SYSTEM, run_turn

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def loaded(default_model: Path) -> LlamaEngine:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=1024, n_threads=2))
    yield engine
    engine.close()


@pytest.mark.parametrize("kind", sorted(BAD_KINDS))
def test_bad_file_gives_a_clear_reason_and_the_previous_model_keeps_working(
    kind: str, loaded: LlamaEngine, default_model: Path, tmp_path: Path
) -> None:
    before = loaded.info
    bad = make_bad_model(kind, default_model, tmp_path)
    with pytest.raises(ModelLoadError) as caught:
        loaded.load(str(bad), LoadOptions(n_ctx=1024, n_threads=2))
    reason = caught.value.reason.lower()
    print(f"{kind}: {caught.value.reason}")
    assert any(word in reason for word in BAD_KINDS[kind]), (kind, reason)
    assert "failed to load model from file" not in reason, "say why, not just that it failed"
    assert str(bad) in str(caught.value)
    assert loaded.info == before
    turn = run_turn(loaded, f"after-{kind}", [SYSTEM, Message("user", "Say hello.")])
    assert turn.stats.generated_tokens > 0 and turn.stats.stop_reason != "error"


def test_unreadable_file_says_permission_denied(
    default_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "locked.gguf"
    bad.write_bytes(default_model.read_bytes()[:65536])
    bad.chmod(0o000)
    if hasattr(os, "getuid") and os.getuid() == 0:
        # root may read any file; answer the permission check as it would for a user
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, mode, **kw: False if Path(p) == bad else real_access(p, mode, **kw),
        )
    with pytest.raises(ModelLoadError) as caught:
        LlamaEngine().load(str(bad), LoadOptions())
    assert "permission denied" in caught.value.reason.lower()


def test_hostile_template_never_runs_even_when_forced(default_model: Path, tmp_path: Path) -> None:
    from app.engine.errors import ChatTemplateError
    from app.engine.template import ChatTemplate

    template = ChatTemplate(
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(tmp_path / "pwned") + "').read() }}"
    )
    with pytest.raises(ChatTemplateError):
        template.render([Message("user", "hi")])
    assert not (tmp_path / "pwned").exists()
