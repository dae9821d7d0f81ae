"""Markdown rendering: what shows, what never loads, what never runs."""

from __future__ import annotations

from app.ui.chat.markdown_render import MarkdownRenderer, RenderPalette, is_safe_link, plain_to_html
from app.ui.chat.markdown_stream import BlockSplitter


def render(text: str) -> str:
    return MarkdownRenderer().render(text)


def test_headings_lists_tables_and_inline_code() -> None:
    html = render(
        "# Title\n\n- one\n- two\n\n1. first\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nuse `x<y`"
    )
    assert "<h1>Title</h1>" in html
    assert html.count("<li>") == 3
    assert "<ol>" in html and "<ul>" in html
    assert '<table border="1"' in html and "<th>a</th>" in html and "<td>2</td>" in html
    assert "x&lt;y</code>" in html


def test_code_blocks_are_highlighted_inline_and_get_a_copy_link() -> None:
    codes: list[str] = []

    def sink(code: str) -> str:
        codes.append(code)
        return f"k{len(codes)}"

    renderer = MarkdownRenderer(RenderPalette(code_style="monokai"))
    html = renderer.render("```python\ndef f():\n    return '<b>'\n```\n\n    indented\n", sink)
    assert codes == ["def f():\n    return '<b>'", "indented"]
    assert 'href="hearth:copy-code/k1"' in html and 'href="hearth:copy-code/k2"' in html
    assert '<span style="color: #66D9EF">def</span>' in html  # monokai keyword colour
    assert "'&lt;b&gt;'</span>" in html  # the code's HTML is escaped, not run
    assert ">python</span>" in html and ">text</span>" in html
    without_sink = renderer.render("```js\nx\n```")
    assert "copy-code" not in without_sink


def test_raw_html_is_shown_as_text_never_run() -> None:
    html = render('<script>alert(1)</script>\n\n<img src="http://evil/x.png"> <b>bold</b>')
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_images_become_their_alt_text_and_nothing_is_fetched() -> None:
    html = render("See ![a *cat* photo](http://example.com/cat.png) here")
    assert "<img" not in html and "example.com" not in html
    assert "[image: a cat photo]" in html


def test_only_http_links_stay_links() -> None:
    html = render(
        "[web](https://example.com/a?b=1&c=2) [plain](http://x.org) "
        "[js](javascript:alert(1)) [file](file:///etc/passwd) [rel](/local) [mail](mailto:a@b.c)"
    )
    assert '<a href="https://example.com/a?b=1&amp;c=2">web</a>' in html
    assert '<a href="http://x.org">plain</a>' in html
    assert html.count("<a ") == 2
    assert "rel" in html and "mail" in html  # their text stays
    assert is_safe_link("HTTPS://EXAMPLE.COM") and not is_safe_link("ftp://x")


def test_user_text_is_escaped_with_its_spacing_kept() -> None:
    assert plain_to_html("a  <b>\n# not a heading") == (
        '<p style="white-space: pre-wrap;">a  &lt;b&gt;\n# not a heading</p>'
    )


def feed_in_pieces(text: str, size: int) -> tuple[list[str], BlockSplitter]:
    splitter = BlockSplitter()
    blocks: list[str] = []
    for start in range(0, len(text), size):
        splitter.feed(text[start : start + size])
        while splitter.has_finished:
            blocks.append(splitter.take_finished(1))  # one block at a time
    return blocks, splitter


def test_splitter_hands_out_finished_blocks_once_and_keeps_the_tail() -> None:
    text = (
        "# Title\n\nPara one\nline two\n\n- a\n\n- b\n\nAfter\n\n"
        "```py\nx = 1\n\ny = 2\n```\nnext para\n\nlast"
    )
    for size in (1, 3, 7, len(text)):
        blocks, splitter = feed_in_pieces(text, size)
        assert "".join(blocks) + splitter.tail == text
        assert blocks[0] == "# Title\n\n"
        assert "Para one\nline two\n\n- a\n\n- b\n\n" in blocks  # a loose list stays whole
        assert any(b.endswith("```\n") and "y = 2" in b for b in blocks)  # fence kept whole
        assert splitter.tail == "next para\n\nlast"


def test_splitter_never_splits_inside_a_code_fence() -> None:
    blocks, splitter = feed_in_pieces("```\na\n\n\nb\n~~~\n\nc\n```\n\nafter\n\nend\n", 2)
    assert blocks == ["```\na\n\n\nb\n~~~\n\nc\n```\n", "\n", "after\n\n"]
    assert splitter.tail == "end\n"
    assert not splitter.in_code


def test_splitter_take_finished_respects_a_budget() -> None:
    splitter = BlockSplitter()
    splitter.feed("aaaa\n\nbbbb\n\ncccc\n\nd\n")  # a blank line ends a block once the
    # next line shows it does not continue a list
    assert splitter.take_finished(3) == "aaaa\n\n"  # at least one block
    assert splitter.has_finished
    assert splitter.take_finished(12) == "bbbb\n\ncccc\n\n"
    assert not splitter.has_finished
    assert splitter.take_finished() == ""
    assert splitter.tail == "d\n"
