"""Jsonnet source: a parser that keeps source spans, and a lossless minimal-edit writer.

Nothing here evaluates Jsonnet (that is :mod:`kfkit.evaluator`'s job); this package reads
files to find exactly which characters to change when a param is set or deleted. The node
classes of the trees ``parse`` and ``Document.get`` return are in :mod:`kfkit.jsonnet._ast`.
"""

from kfkit.jsonnet._ast import Node
from kfkit.jsonnet._edit import Document, ObjectRef, is_data, key_name, to_jsonnet
from kfkit.jsonnet._lexer import is_identifier
from kfkit.jsonnet._outline import Outline
from kfkit.jsonnet._parser import parse

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
