"""Screenshots of a reasoning model's reply: the live thinking block, then the folded block,
the answer, its figures and the Inspector.

Real engine (model work, under the lock): the default model copied with a DeepSeek-R1-style
template (tests/core/thinking_models.py), thinking closed by a budget so it answers:
    flock /tmp/hearth-model.lock xvfb-run -a -s "-screen 0 1400x900x24" \\
        .venv/bin/python scripts/screenshot_thinking.py
`--fake` uses the FakeEngine instead (no model, for a quick look at the layout).
Writes docs/screenshot-thinking-live.png and docs/screenshot-thinking-done.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
os.environ["HEARTH_HOME"] = tempfile.mkdtemp(prefix="hearth-shots-")

from PySide6.QtWidgets import QApplication  # noqa: E402

from app import paths  # noqa: E402
from app.chat.values import GenerationParams, LoadOptions  # noqa: E402
from app.default_model import default_model_path  # noqa: E402
from app.engine.fake import FakeEngine  # noqa: E402
from app.engine.llama_engine import LlamaEngine  # noqa: E402
from app.engine.runner import EngineRunner  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.store import ChatStore  # noqa: E402
from app.ui.common.theme import apply_system_theme  # noqa: E402
from app.ui.shell.main_window import MainWindow  # noqa: E402
from scripts.screenshots import spin, wait_until  # noqa: E402

THOUGHT = (
    "The user asks how a fireplace heats a room. Radiation from the flames warms what it "
    "reaches; the chimney draws warm air out, so convection matters less. Keep it short."
)


def _engine(fake: bool) -> tuple[object, str]:
    if fake:
        answer = "A fireplace mostly heats by **radiation**: the flames warm you directly."
        return (lambda: FakeEngine(lambda _m: answer, 0.05, thinking=THOUGHT)), "/fake/r1.gguf"
    from tests.core.thinking_models import R1, build

    source = default_model_path()
    assert source is not None
    model = build(source, Path(tempfile.mkdtemp()) / "Thinking-R1-style-135M.gguf", R1)
    return LlamaEngine, str(model)


def main() -> int:
    fake = "--fake" in sys.argv
    app = QApplication(sys.argv[:1])
    apply_system_theme(app)
    store = ChatStore(paths.database_path())
    settings = Settings(
        generation=GenerationParams(temperature=0.7, max_tokens=220, seed=5, thinking_budget=120),
        load=LoadOptions(n_ctx=4096, n_threads=2),
        welcome_done=True,
    )
    factory, model = _engine(fake)
    runner = EngineRunner(factory)  # type: ignore[arg-type]
    window = MainWindow(
        runner, store, settings, default_model=model, persist_settings=lambda _s: None
    )
    window.resize(1360, 860)
    window.show()
    window.start()
    window.chat.new_conversation()
    wait_until(lambda: window.models.info is not None)
    window.composer.edit.setPlainText("How does a fireplace heat a room?")
    window.composer.submit()
    wait_until(lambda: len((window.transcript.thinking_text or "").split()) >= 25)
    spin(200)
    window.grab().save(str(ROOT / "docs" / "screenshot-thinking-live.png"))
    wait_until(lambda: not window.session.busy)
    spin(800)
    window.side_tabs.setCurrentWidget(window.inspector)
    spin(800)
    window.grab().save(str(ROOT / "docs" / "screenshot-thinking-done.png"))
    window.close()
    runner.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
