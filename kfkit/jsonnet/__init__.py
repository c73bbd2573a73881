"""Jsonnet source: a parser that keeps source spans, and a lossless minimal-edit writer.

Nothing here evaluates Jsonnet (that is :mod:`kfkit.evaluator`'s job); this package reads
files to find exactly which characters to change when a param is set or deleted. The node
classes of the trees ``parse`` and ``Document.get`` return are in :mod:`kfkit.jsonnet._ast`.

:class:`Outline` is imported on first use: only a large params file has one, and loading it
cost ~6 M instructions, 1.6 % of a ``kfkit param set`` on a small app (#12).
"""

from typing import TYPE_CHECKING

from kfkit import _lazy_attributes
from kfkit.jsonnet._ast import Node
from kfkit.jsonnet._edit import Document, ObjectRef, is_data, key_name, to_jsonnet
from kfkit.jsonnet._lexer import is_identifier
from kfkit.jsonnet._parser import parse

if TYPE_CHECKING:
    from kfkit.jsonnet._outline import Outline

__all__ = [
    "Document",
    "Node",
    "ObjectRef",
    "Outline",
    "is_data",
    "is_identifier",
    "key_name",
    "parse",
    "to_jsonnet",
]

__getattr__ = _lazy_attributes(__name__, {"Outline": "kfkit.jsonnet._outline"})
