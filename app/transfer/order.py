"""Putting a conversation's nodes in an order where every parent comes first."""

from __future__ import annotations

from app.transfer.model import BadFileError, ImportedNode


def parents_first(
    nodes: list[ImportedNode], left_out: dict[str, str | None] | None = None
) -> list[ImportedNode]:
    """Order the nodes so each comes after its parent (an export may list a retry before
    the message it answers). A left-out parent hands its children to its own parent; a
    message whose parents form a loop starts a branch of its own (kept, not lost)."""
    known = {n.key: n for n in nodes}
    if len(known) != len(nodes):
        raise BadFileError("two messages of one conversation share an id")
    left_out = left_out or {}

    def parent_of(node: ImportedNode) -> str | None:
        parent, hops = node.parent_key, 0
        while parent in left_out and hops <= len(left_out):
            parent, hops = left_out[parent], hops + 1
        return parent if parent in known else None

    below: dict[str | None, list[ImportedNode]] = {}
    for node in nodes:
        below.setdefault(parent_of(node), []).append(node)
    ordered: list[ImportedNode] = []
    placed: set[str] = set()
    for top in [None, *(n.key for n in nodes)]:
        if top is not None and top in placed:
            continue
        stack = list(reversed(below.get(None, []))) if top is None else [known[top]]
        while stack:
            node = stack.pop()
            if node.key in placed:
                continue
            placed.add(node.key)
            parent = parent_of(node) if top is None or node.key != top else None
            ordered.append(_with_parent(node, parent))
            stack.extend(reversed(below.get(node.key, [])))
    return ordered


def _with_parent(node: ImportedNode, parent: str | None) -> ImportedNode:
    if parent == node.parent_key:
        return node
    return ImportedNode(
        node.key, parent, node.role, node.content, node.created_at, node.thinking,
        node.stats, node.complete,
    )  # fmt: skip
