"""report.html as pieces, so that a large report can be printed in parts.

A :class:`Report` is the page cut where printing may begin a new part: the
summary (everything before the 考核结果通知书) as pieces, a long table as
:class:`Rows` (each row a piece), and one notice per unit.
:meth:`Report.html` joins them into exactly the text of report.html;
:func:`cut` plans the parts of at most a budget of characters each, and
:meth:`Report.document` makes one part's page, when it is printed, so that
no more than one part's text is held at a time.

A part is a page of its own: the same head (style sheet, print rules),
then its pieces. The summary and the notices are never in one part; a
notice begins a printed page anyway (``break-before: page``), so notices
cut into parts print as in one page. A table cut between two parts ends
in the first and begins again with its header in the second.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeAlias

import attrs

from ..values import Value

#: What opens the body, the notices, and ends the page.
BODY = "<body><main>"
NOTICES = '<div id="notices">'
END_NOTICES = "</div>"
END = "</main></body></html>\n"
#: What ends a table cut inside a part.
END_TABLE = "</tbody></table>"


@attrs.frozen(repr=False, eq=False)
class Rows(Value):
    """A table that may be cut between parts: ``opening`` (heading, ``<table>``, head,
    ``<tbody>``), ``rows``, ``closing`` (``</tbody></table>`` and notes after it);
    ``header`` opens it again in a part that continues it."""

    opening: str
    rows: tuple[str, ...]
    closing: str
    header: str

    def text(self) -> str:
        return self.opening + "".join(self.rows) + self.closing

    def size(self) -> int:
        """The length of :meth:`text`, without making it."""
        return len(self.opening) + sum(map(len, self.rows)) + len(self.closing)


#: What the summary is made of: text, or a table that may be cut.
Piece: TypeAlias = str | Rows


def text_of(piece: Piece) -> str:
    return piece.text() if isinstance(piece, Rows) else piece


def size_of(piece: Piece) -> int:
    return piece.size() if isinstance(piece, Rows) else len(piece)


@attrs.frozen(repr=False, eq=False)
class Atom(Value):
    """The smallest piece a part holds: its ``text``, and what a part beginning with it
    puts before it (``lead``: a cut table's header) or ending with it puts after it
    (``trail``: the end of a cut table)."""

    text: str
    lead: str = ""
    trail: str = ""


def atoms(pieces: Sequence[Piece]) -> Iterator[Atom]:
    """``pieces`` as atoms: a string is one; a table's rows are one each (its opening
    with the first row, its closing with the last)."""
    for piece in pieces:
        if not isinstance(piece, Rows) or not piece.rows:
            yield Atom(text_of(piece))
            continue
        last = len(piece.rows) - 1
        for i, row in enumerate(piece.rows):
            yield Atom(
                (piece.opening if i == 0 else "") + row + (piece.closing if i == last else ""),
                "" if i == 0 else piece.header,
                "" if i == last else END_TABLE,
            )


@attrs.frozen(repr=False, eq=False)
class Report(Value):
    """report.html in pieces: ``head`` (up to ``</head>``), the ``summary`` and the
    ``notices`` (one per unit)."""

    head: str
    summary: tuple[Piece, ...]
    notices: tuple[str, ...]

    def html(self) -> str:
        """The page, exactly as report.html is written."""
        return "".join(
            [
                self.head,
                BODY,
                *map(text_of, self.summary),
                NOTICES,
                *self.notices,
                END_NOTICES,
                END,
            ]
        )

    def size(self) -> int:
        """The number of characters of :meth:`html`, without making it."""
        fixed = len(self.head) + len(BODY) + len(NOTICES) + len(END_NOTICES) + len(END)
        return fixed + sum(map(size_of, self.summary)) + sum(map(len, self.notices))

    def parts(self, budget: int, notices: int) -> list[Part]:
        """The parts to print: the summary's, each at most ``budget`` characters of
        pieces (a larger piece is a part alone), then the notices', ``notices`` a part."""
        summary = cut(list(atoms(self.summary)), budget)
        return [Part(p, False) for p in summary] + [
            Part(tuple(Atom(n) for n in self.notices[i : i + notices]), True)
            for i in range(0, len(self.notices), notices)
        ]

    def document(self, part: Part) -> str:
        """The page of one part: the head, then its pieces."""
        pieces = part.atoms
        inner = "".join([pieces[0].lead, *(a.text for a in pieces), pieces[-1].trail])
        if part.notices:
            inner = NOTICES + inner + END_NOTICES
        return self.head + BODY + inner + END


@attrs.frozen(repr=False, eq=False)
class Part(Value):
    """What one part prints: ``atoms`` of the summary, or notices if ``notices``."""

    atoms: tuple[Atom, ...]
    notices: bool


def cut(pieces: Sequence[Atom], budget: int) -> list[tuple[Atom, ...]]:
    """``pieces`` in order, cut into parts of at most ``budget`` characters (an atom
    larger than that alone)."""
    parts: list[tuple[Atom, ...]] = []
    start, size = 0, 0
    for i, atom in enumerate(pieces):
        if i > start and size + len(atom.text) > budget:
            parts.append(tuple(pieces[start:i]))
            start, size = i, 0
        size += len(atom.text)
    if start < len(pieces):
        parts.append(tuple(pieces[start:]))
    return parts
