"""Squid's splay tree (include/splay.h @ SQUID_5_7), for the ACL values Squid keeps in one.

Squid stores the values of an address ACL (src/acl/Ip.cc) and of a domain ACL
(src/acl/DomainData.cc) in a top-down splay tree whose comparison calls overlapping values
*equal*: inserting a value equal to one already there keeps the old one and drops the new one,
and the comparison function prints Squid's WARNING or ERROR as a side effect. Which pairs get
compared, and so what Squid reports and keeps, depends on the shape of the tree, which depends
on every insertion before. This module rebuilds that shape step for step; subclasses supply the
comparison (and record what it reports).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

T = TypeVar("T")


class _Node(Generic[T]):
    __slots__ = ("left", "right", "value")

    def __init__(self, value: T) -> None:
        self.value = value
        self.left: _Node[T] | None = None
        self.right: _Node[T] | None = None


class Splay(ABC, Generic[T]):
    """``Splay<V>`` with its ``insert``; each kind of tree supplies its own :meth:`compare`."""

    def __init__(self) -> None:
        self.head: _Node[T] | None = None

    @abstractmethod
    def compare(self, new: T, old: T) -> int:
        """Squid's comparison function called as ``compare(new, old)``: below, at or above 0,
        with whatever it reports as a side effect."""

    def insert(self, value: T) -> bool:
        """``Splay::insert``: ``find`` (one splay), then ``SplayNode::insert`` (another).
        Returns False when a value comparing equal is already there (``value`` is dropped)."""
        if self.head is None:
            self.head = _Node(value)
            return True
        self.head, last = self._splay(self.head, value)
        if last == 0:
            return False
        top, last = self._splay(self.head, value)
        node = _Node(value)
        if last < 0:
            node.left, node.right, top.left = top.left, top, None
        else:
            node.right, node.left, top.right = top.right, top, None
        self.head = node
        return True

    def _splay(self, top: _Node[T], value: T) -> tuple[_Node[T], int]:
        """``SplayNode::splay``: bring the node nearest ``value`` to the top."""
        header: _Node[T] = _Node(value)  # (its value is never compared)
        left = right = header
        while True:
            last = self.compare(value, top.value)
            if last < 0:
                if top.left is None:
                    break
                last = self.compare(value, top.left.value)
                if last < 0:
                    y = top.left  # rotate right
                    top.left, y.right = y.right, top
                    top = y
                    if top.left is None:
                        break
                right.left = top  # link right
                right = top
                down = top.left
                assert down is not None  # checked above (or after the rotation)
                top = down
            elif last > 0:
                if top.right is None:
                    break
                last = self.compare(value, top.right.value)
                if last > 0:
                    y = top.right  # rotate left
                    top.right, y.left = y.left, top
                    top = y
                    if top.right is None:
                        break
                left.right = top  # link left
                left = top
                down = top.right
                assert down is not None
                top = down
            else:
                break
        left.right, right.left = top.left, top.right  # assemble
        top.left, top.right = header.right, header.left
        return top, last
