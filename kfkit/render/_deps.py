"""What a component's render can depend on, read from its source with kfkit's own parser.

``show -c`` evaluates only the params of the selected components, and the render cache keys
a component by exactly what it can see. Both are only safe when the analysis is sure, so
anything it cannot follow (an ``extVar`` with a computed name, ``std`` passed around as a
value, an import that does not resolve, a file that does not parse) makes it say
``exact=False``, and callers fall back to the wide answer: every component's params, no
cache entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kfkit.errors import KfkitError
from kfkit.jsonnet import Node, parse
from kfkit.jsonnet._ast import Apply, Id, Import, Index, StringLit, Var, children
from kfkit.render._facts import FileIndex, file_facts

__all__ = ["ENVIRONMENTS_VAR", "PARAMS_JSON", "PARAMS_VAR", "Dependencies", "dependencies"]

PARAMS_VAR = "__ksonnet/params"
ENVIRONMENTS_VAR = "__ksonnet/environments"
PARAMS_JSON = "__kfkit/params.json"
"""The ext string a render passes the params in, as JSON: ``__ksonnet/params`` parses it."""


@dataclass(frozen=True)
class Dependencies:
    """A component's import closure and the external variables it reads."""

    files: tuple[Path, ...]
    """The component file and every file it imports, directly or not, resolved."""
    ext_vars: frozenset[str]
    """Names passed to ``std.extVar`` anywhere in the closure."""
    own_params_only: bool
    """``__ksonnet/params`` is only ever read as ``.components.<this component>``."""
    exact: bool
    """False when something could not be analysed: assume it reads everything."""
    digests: tuple[tuple[str, str], ...] | None
    """Each file's path and sha256, of the content analysed (what a cache key names it by);
    None when one could not be read."""


def dependencies(
    path: Path, component: str, jpath: Sequence[Path], index: FileIndex | None = None
) -> Dependencies:
    """Follow ``path``'s imports (relative first, then ``jpath`` from the end, like go-jsonnet).

    Each file is read once, for its digest and its analysis both; with ``index``, not at all
    when its facts are remembered and say enough (plain, or a generated component).
    """
    seen: dict[Path, str | None] = {}
    ext_vars: set[str] = set()
    own_only = exact = True
    todo = [(path, True)]
    while todo:
        file, is_code = todo.pop()
        if file in seen:
            continue
        try:
            facts = file_facts(file, index)
        except OSError:
            seen[file] = None
            exact = exact and not is_code
            continue
        seen[file] = facts.sha256
        if not is_code or facts.plain:
            continue
        if facts.header == component:
            ext_vars |= {PARAMS_VAR, ENVIRONMENTS_VAR}
            continue
        try:
            # Remembered facts come without the text: read it (None: not UTF-8).
            text = facts.text if facts.text is not None else file_facts(file, None).text
            tree = None if text is None else parse(text, str(file))
        except (OSError, KfkitError):
            tree = None
        if tree is None:
            exact = False
            continue
        reads = _Reads(component)
        reads.visit(tree)
        ext_vars |= reads.ext_vars
        own_only = own_only and not reads.other_params
        exact = exact and reads.exact
        for kind, target in reads.imports:
            resolved = _resolve(file.parent, target, jpath)
            if resolved is None:
                exact = False
            else:
                todo.append((resolved, kind == "import"))
    digests = tuple((str(f), d) for f, d in seen.items() if d is not None)
    return Dependencies(
        tuple(seen), frozenset(ext_vars), own_only, exact, digests if len(digests) == len(seen) else None
    )


def _resolve(directory: Path, target: str, jpath: Sequence[Path]) -> Path | None:
    for base in (directory, *reversed(jpath)):
        candidate = base / target
        if candidate.is_file():
            return candidate.resolve()
    return None


def _key(node: Node) -> str | None:
    """The literal name in ``a.name`` or ``a["name"]``."""
    return node.name if isinstance(node, Id) else node.value if isinstance(node, StringLit) else None


class _Reads:
    """One file's ``std.extVar`` reads and imports."""

    def __init__(self, component: str) -> None:
        self.component = component
        self.ext_vars: set[str] = set()
        self.imports: list[tuple[str, str]] = []
        self.other_params = False
        self.exact = True

    def visit(self, node: Node) -> None:
        stack = [node]
        own: set[int] = set()  # ids of extVar(PARAMS_VAR) calls read as .components.<self>
        calls: set[int] = set()  # ids of std.extVar indexes that are called with a literal
        found: list[Apply] = []
        while stack:
            n = stack.pop()
            if isinstance(n, Import):
                self.imports.append((n.kind, n.path.value))
            elif isinstance(n, Index):
                inner = n.target
                if (
                    _key(n.index) == self.component
                    and isinstance(inner, Index)
                    and _key(inner.index) == "components"
                    and isinstance(inner.target, Apply)
                ):
                    own.add(id(inner.target))
                if isinstance(n.target, Var) and n.target.name == "std":
                    key = _key(n.index)
                    if key is None or (key == "extVar" and id(n) not in calls):
                        self.exact = False
                    stack.append(n.index)
                    continue
            elif isinstance(n, Var) and n.name == "std":
                self.exact = False  # std as a value: could be anything below
            elif isinstance(n, Apply) and _is_ext_var(n.target):
                calls.add(id(n.target))
                arg = n.args[0].value if len(n.args) == 1 and n.args[0].name is None else None
                if isinstance(arg, StringLit):
                    self.ext_vars.add(arg.value)
                    found.append(n)
                else:
                    self.exact = False
            stack.extend(reversed(list(children(n))))
        for call in found:
            value = call.args[0].value
            if isinstance(value, StringLit) and value.value == PARAMS_VAR and id(call) not in own:
                self.other_params = True


def _is_ext_var(node: Node) -> bool:
    return (
        isinstance(node, Index)
        and isinstance(node.target, Var)
        and node.target.name == "std"
        and _key(node.index) == "extVar"
    )
