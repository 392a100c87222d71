"""A rendered page as a small tree (standard library only), for tests that check what the report's tables and
matrices hold: elements by tag and class, their attributes and their text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        """The text inside, whitespace squashed, as a reader sees it (an SVG's title left out)."""
        parts = [c if isinstance(c, str) else c.text for c in self.children
                 if isinstance(c, str) or c.tag not in ("title", "script", "style")]  # fmt: skip
        return " ".join(" ".join(parts).split())

    def iter(self, tag: str | None = None, cls: str | None = None) -> Iterator[Node]:
        """Every element below this one (depth first) with ``tag`` and class ``cls`` where given."""
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    yield child
                yield from child.iter(tag, cls)

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.open)
        self.open.children.append(node)
        if tag not in VOID:
            self.open = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.open))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.open = node.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def parse(html: str) -> Node:
    """The document as a tree of :class:`Node`."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def table_cells(table: Node) -> tuple[list[str], list[list[Node]]]:
    """The header texts and the body rows (their cells) of a table."""
    head = [th.text for tr in table.iter("thead") for th in tr.iter("th")]
    rows = [[c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
            for body in table.iter("tbody") for tr in body.iter("tr")]  # fmt: skip
    return head, rows
