"""HTML to sections by heading, with the standard library's parser (scripts and styles out)."""

from __future__ import annotations

from html.parser import HTMLParser

from app.documents.values import Section

_SKIP = {"script", "style", "noscript", "template", "svg", "head"}
_BLOCK = {"p", "div", "br", "li", "tr", "section", "article", "pre", "table", "ul", "ol"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self._path: list[tuple[int, str]] = []
        self._body: list[str] = []
        self._skip = 0
        self._heading: int = 0
        self._heading_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _HEADINGS:
            self._heading, self._heading_text = _HEADINGS[tag], []
        elif tag in _BLOCK:
            self._body.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _HEADINGS and self._heading:
            self._flush()
            title = " ".join("".join(self._heading_text).split())
            self._path = [(n, t) for n, t in self._path if n < self._heading]
            self._path.append((self._heading, title))
            self._body = [title, "\n"]
            self._heading = 0
        elif tag in _BLOCK:
            self._body.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self._heading_text if self._heading else self._body).append(data)

    def _flush(self) -> None:
        text = "\n".join(" ".join(line.split()) for line in "".join(self._body).splitlines())
        self.sections.append(Section(text.strip(), " > ".join(t for _, t in self._path)))

    def finish(self) -> list[Section]:
        self.close()
        self._flush()
        return self.sections


def html_sections(html: str) -> list[Section]:
    parser = _Sections()
    parser.feed(html)
    return parser.finish()
