"""Resolved params through the render cache; after an edit inside one component's params,
only that component's are evaluated again.

With the components served from the cache, evaluating the params file is most of a render
after ``param set``: an 800-component file is 0.9 MB of Jsonnet the engine parses whole. So
besides an entry for the resolved params of the files as they are, the cache keeps a
*snapshot* per app, environment and environment files: the module params text it resolved,
where each component's block ``"name": {…}`` is in it, and the name of the entry holding every
component's resolved params (an entry, not a copy: writing 800 components' params once per
edit is enough).
When the text changed only strictly inside one block, that block alone is evaluated (in a
stand-in params file holding just it and ``global``) and the others come from the snapshot.

That is exact only when nothing but its own text decides a block's params, so a snapshot is
used only when:

- the module params file is plain data (:func:`kfkit.jsonnet.is_data`): a block's value is
  its own text's, and nothing else in the file reads it;
- the environment's params.libsonnet is kfkit's template, which resolves each component
  from its own entry, the app's ``global`` and the environment's globals, and
  globals.libsonnet reads no params (both files are part of the snapshot's name);
- the changed block's new text parses alone as plain data (then the new file parses and is
  plain data too: see :meth:`kfkit.jsonnet.Document.changed_object`).

Anything else resolves the whole file, as without a snapshot.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kfkit.app import ROOT_MODULE, AppDir
from kfkit.errors import KfkitError
from kfkit.jsonnet import Document, is_data, key_name, parse
from kfkit.jsonnet._ast import Field, Object
from kfkit.jsonnet._edit import changed_span
from kfkit.params import remembered_outline, resolve_params
from kfkit.params._resolve import is_template
from kfkit.render._cache import Store
from kfkit.render._deps import ENVIRONMENTS_VAR, dependencies
from kfkit.render._facts import FileIndex
from kfkit.render._incremental import digest, params_key

__all__ = ["cached_params"]

Params = dict[str, dict[str, Any]]


def cached_params(
    app: AppDir, env: str, names: list[str] | None, environments: str, index: FileIndex | None
) -> Params:
    """``resolve_params``, through the cache (``index``'s store; None: none): the entry for these
    files, or a snapshot's update."""
    key = params_key(app, env, names, environments, index) if index is not None else None
    if index is None or key is None:
        return resolve_params(app, env, names)
    store = index.store
    data = store.get(key)
    if data is not None:
        cached: Params = json.loads(data)
        return cached
    slot = _slot(app, env, environments, index) if names is None else None
    update = _from_snapshot(app, env, store, slot) if slot is not None else None
    if update is None:
        text = _read(app.params_file)
        params = resolve_params(app, env, names)
        snapshot = None if text is None else {"text": text, "blocks": None, "global": None}
    else:
        params, snapshot = update
    # A file edited while this ran: what was read may not match the key, so store nothing.
    if params_key(app, env, names, environments, index) == key:
        store.put(key, json.dumps(params).encode())
        if slot is not None and snapshot is not None:
            store.put(slot, json.dumps({**snapshot, "params": key}).encode())
    return params


def _slot(app: AppDir, env: str, environments: str, index: FileIndex) -> str | None:
    """The name of this app's and environment's snapshot; None when one must not be used."""
    if not is_template(app, env, "params.libsonnet"):
        return None
    if [m.name for m in app.env_modules(env)] != [ROOT_MODULE]:
        return None  # the snapshot knows the root module's params file only
    deps = dependencies(app.env_dir(env) / "globals.libsonnet", "", app.jpath(env), index)
    if not deps.exact or not deps.ext_vars <= {ENVIRONMENTS_VAR} or deps.digests is None:
        return None
    return digest(["params-snapshot-2", str(app.params_file.resolve()), env, environments, deps.digests])


def _from_snapshot(app: AppDir, env: str, store: Store, slot: str) -> tuple[Params, dict[str, Any]] | None:
    """The resolved params and the updated snapshot when the file changed inside one block
    since the snapshot, else None."""
    data, new = store.get(slot), _read(app.params_file)
    if data is None or new is None:
        return None
    snapshot: dict[str, Any] = json.loads(data)
    old: str = snapshot["text"]
    if snapshot["blocks"] is None and not (
        _outlined(snapshot, new) or _find_blocks(snapshot, str(app.params_file))
    ):
        return None
    blocks: dict[str, list[int]] = snapshot["blocks"]
    head, end = changed_span(old, new)
    name = next((n for n, (s, e) in blocks.items() if s < head and end < e), None)  # inside the braces
    if name is None:
        return None
    delta = len(new) - len(old)
    start, stop = blocks[name]
    block = new[start : stop + delta]
    try:
        node = parse(block, str(app.params_file))
    except KfkitError:
        return None
    if not isinstance(node, Object) or not is_data(node):
        return None
    entry = store.get(snapshot["params"])
    if entry is None:
        return None  # trimmed from the cache
    params: Params = json.loads(entry)
    stand_in = (
        f"{{\n{_field_text(old, snapshot['global'])}\ncomponents: {{\n{json.dumps(name)}: {block}\n}},\n}}\n"
    )
    try:
        params[name] = resolve_params(app, env, [name], {app.params_file.resolve(): stand_in})[name]
    except KfkitError:
        return None
    snapshot["text"] = new
    snapshot["blocks"] = {n: [s + delta, e + delta] if s > start else [s, e] for n, (s, e) in blocks.items()}
    snapshot["blocks"][name] = [start, stop + delta]
    if snapshot["global"] is not None and snapshot["global"][0] > start:
        snapshot["global"] = [snapshot["global"][0] + delta, snapshot["global"][1] + delta]
    return params, snapshot


def _outlined(snapshot: dict[str, Any], new: str) -> bool:
    """Record where the blocks and ``global`` are from the outline ``param set`` left of the
    file's new text, if the edit is inside one block: the first edit after a whole resolution
    then parses no more than the edit did (a whole parse of 800 components takes 0.9 s)."""
    outline = remembered_outline(new)
    if outline is None or outline.components.sep != ":":
        return False
    old: str = snapshot["text"]
    head, end = changed_span(old, new)
    delta = len(new) - len(old)
    blocks = {n: f.value for n, f in outline.blocks.items() if f.sep == ":"}
    if sum(s < head and end + delta < e for s, e in blocks.values()) != 1:
        return False

    def back(offset: int) -> int:
        """An offset into the new text as an offset into the old one: all else is unchanged."""
        return offset if offset <= head else offset - delta

    snapshot["blocks"] = {n: [back(s), back(e)] for n, (s, e) in blocks.items()}
    field = outline.global_field
    snapshot["global"] = None if field is None else [back(field.start), back(field.value_end)]
    return True


def _find_blocks(snapshot: dict[str, Any], filename: str) -> bool:
    """Record where each component's block and the ``global`` field are, if the file is plain data."""
    try:
        root = Document(snapshot["text"], filename).root
    except KfkitError:
        return False
    if not isinstance(root, Object) or not is_data(root):
        return False
    fields = {key_name(m.key): m for m in root.members if isinstance(m, Field)}
    components, global_ = fields.get("components"), fields.get("global")
    if components is None or components.sep != ":" or not isinstance(components.value, Object):
        return False
    snapshot["blocks"] = {
        key_name(m.key): list(m.value.span)
        for m in components.value.members
        if isinstance(m, Field) and m.sep == ":" and isinstance(m.value, Object)
    }
    snapshot["global"] = None if global_ is None else [global_.span[0], global_.span[1]]
    return True


def _field_text(text: str, span: list[int] | None) -> str:
    """The ``global`` field as written (``global::`` stays hidden), with its comma."""
    return "" if span is None else text[span[0] : span[1]] + ","


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
