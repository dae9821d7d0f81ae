"""A generated corpus with planted facts, for the retrieval benchmark and its test.

Each made-up town gets one Markdown file with a section per fact and filler sentences
about the town. Two kinds of question, each answered by exactly one passage: one
paraphrases a fact (other words than the passage: BM25 finds the town but not the fact),
the other asks about an identifier (a permit number: vectors see every permit section as
alike, BM25 finds the number). People ask both kinds; fusion has to serve both.
Also a minimal PDF writer (no dependency) for tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

# (section heading, the fact as written, the question in other words, value maker)
FACTS = [
    ("Climate", "The annual rainfall in {t} is {v} millimetres.",
     "How much does it rain each year in {t}?", lambda r: str(r.randint(300, 2400))),
    ("History", "{t} was founded in the year {v} by travelling merchants.",
     "When was {t} established?", lambda r: str(r.randint(900, 1900))),
    ("People", "The population of {t} is {v} inhabitants.",
     "How many people live in {t}?", lambda r: f"{r.randint(2, 900)},{r.randint(100, 999)}"),
    ("Government", "The mayor of {t} is {v}.",
     "Who leads the city council of {t}?",
     lambda r: r.choice(["Ada", "Bram", "Cleo", "Dov", "Edda", "Finn"]) + " "
     + r.choice(["Holt", "Marsh", "Quill", "Rook", "Sallow", "Thorne"])),
    ("Trade", "The main export of {t} is {v}.",
     "What goods does {t} mostly sell abroad?",
     lambda r: r.choice(["copper wire", "smoked fish", "wool cloth", "glass beads", "salt"])),
    ("Geography", "The river flowing through {t} is called the {v}.",
     "Which stream of water runs through {t}?",
     lambda r: r.choice(["Arden", "Belwater", "Corrin", "Dunmere", "Eskel"]) + " River"),
]  # fmt: skip
FILLER = [
    "Visitors to {t} often remark on the narrow streets and the old market square.",
    "Many families in {t} have lived there for generations.",
    "The local newspaper of {t} publishes a weekly column about town affairs.",
    "A small museum in {t} keeps records, maps and photographs from past centuries.",
    "In spring, {t} holds a festival with music, food stalls and a parade.",
    "The railway station of {t} connects it to the larger cities in the region.",
    "Schools in {t} teach the regional dialect alongside the national language.",
    "Walking trails lead from the edge of {t} into the surrounding hills.",
]
_SYLLABLES = [
    "val",
    "mor",
    "quin",
    "tar",
    "is",
    "bel",
    "dra",
    "ken",
    "lo",
    "vek",
    "sor",
    "ath",
    "mir",
    "ul",
    "gan",
    "pel",
    "thra",
    "zen",
    "cor",
    "wyn",
    "ost",
    "rha",
]


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    file: str
    location: str


def town_names(count: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        parts = rng.sample(_SYLLABLES, rng.choice([2, 3]))
        names.add("".join(parts).capitalize())
    return sorted(names)


def write_corpus(folder: Path, towns: int, seed: int = 7) -> list[Question]:
    """`towns` Markdown files (six facts each) in `folder`; one question per fact."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    questions: list[Question] = []
    for town in town_names(towns, rng):
        path = folder / f"{town.lower()}.md"
        lines = [f"# {town}", "", f"{town} is a town in the northern provinces.", ""]
        for heading, fact, question, value in FACTS:
            filler = rng.sample(FILLER, 3)
            said = [f.format(t=town) for f in filler]
            body = " ".join([*said[:2], fact.format(t=town, v=value(rng)), said[2]])
            lines += [f"## {heading}", "", body, ""]
            questions.append(Question(question.format(t=town), str(path), f"{town} > {heading}"))
        code = f"{rng.choice('BFKQXZ')}{rng.choice('HJRTW')}-{rng.randint(1000, 9999)}"
        holder = f"{rng.choice(['bakery', 'smithy', 'tannery', 'brewery', 'mill'])}"
        filler = rng.sample(FILLER, 2)
        body = " ".join([filler[0].format(t=town),
                         f"Permit {code} was issued to the {holder} of {town}.",
                         filler[1].format(t=town)])  # fmt: skip
        lines += ["## Registry", "", body, ""]
        questions.append(Question(f"Who holds permit {code}?", str(path), f"{town} > Registry"))
        path.write_text("\n".join(lines), encoding="utf-8")
    return questions


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A valid PDF whose pages hold these lines of text (Helvetica, one text object each)."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for number, lines in enumerate(pages):
        text = " ".join(f"({_escape(line)}) Tj 0 -16 Td" for line in lines)
        stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * number} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % index + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
