"""A review report full of hostile text, and an HTML parser that says what a browser would see."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from kfkit._model import Action, ObjectId
from kfkit.deploy import SecretMask, Side, diff_sides
from kfkit.errors import Finding
from kfkit.params import ParamRow
from kfkit.review import Report
from kfkit.review._build import component_reviews

HOSTILE_NAME = 'x"><script>alert(1)</script>'
HOSTILE_VALUE = "</code></pre><script>alert('value')</script><img src=x onerror=alert(2)>"
HOSTILE_APP = "<b>app</b> & 'co'"
SECRET_VALUE = "czNjcjN0LXBhc3N3b3Jk"  # base64 of "s3cr3t-password"


def _config_map(name: str, value: str, component: str = "web") -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": {"ksonnet.io/component": component}},
        "data": {"key": value},
    }


def _secret(value: str) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds", "labels": {"ksonnet.io/component": "web"}},
        "data": {"password": value},
        "stringData": {"token": "plain-" + value},
    }


LEGACY = {
    "apiVersion": "extensions/v1beta1",
    "kind": "Deployment",
    "metadata": {"name": "legacy", "labels": {"ksonnet.io/component": "web"}},
    "spec": {"replicas": 1},
}
REMOVED = "extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1"


def hostile_report() -> Report:
    """``local:dev`` against ``local:prod``: a changed hostile ConfigMap, a new Secret, a removed
    object, and one of a removed API that apply's pre-flight refused."""
    mine = [_config_map(HOSTILE_NAME, HOSTILE_VALUE), _secret(SECRET_VALUE), _config_map("same", "1")]
    theirs = [
        _config_map(HOSTILE_NAME, "old <i>value</i>"),
        _config_map("same", "1"),
        _config_map("gone", "x"),
    ]
    mask = SecretMask()
    diff = diff_sides(Side("local:dev", mine, "ns"), Side("local:prod", theirs, "ns"), mask=mask)
    params = [
        ParamRow("web", "image", HOSTILE_VALUE, "components/params.libsonnet"),
        ParamRow("web", "replicas", 3, "environments/dev/params.libsonnet"),
        ParamRow("web", "port", 80, "components/params.libsonnet"),
    ]
    other = {"web": {"image": "nginx", "port": 80, "legacy": True}}
    return Report(
        app=HOSTILE_APP,
        env="dev",
        target='server https://127.0.0.1:6443, namespace "ns"',
        against="local:prod",
        command="kfkit apply dev -c web --ext-str 'who=<me>'",
        generated="2026-12-02T16:00:00Z",
        kfkit_version="0.1.0",
        commit="0123abc+dirty",
        components=component_reviews(
            diff, [*mine, LEGACY], mask, params, other, {ObjectId.of(LEGACY): REMOVED}
        ),
        findings=[
            Finding(
                f"value {HOSTILE_VALUE} is bad",
                ObjectId("", "ConfigMap", "", HOSTILE_NAME),
                "data.key",
                "warning",
            )
        ],
        removed_apis=[Finding(REMOVED, ObjectId.of(LEGACY), "apiVersion", code="removed-api")],
        validated=True,
        k8s_version="1.34",
    )


@dataclass
class Page(HTMLParser):
    """Tags, attributes, ids and text of an HTML document, as a browser's parser sees them."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @classmethod
    def of(cls, html: str) -> Page:
        page = cls()
        page.feed(html)
        page.close()
        return page

    def all_text(self) -> str:
        return "".join(self.text)

    def ids(self) -> list[str]:
        return [attrs["id"] for _, attrs in self.tags if "id" in attrs]


__all__ = [
    "HOSTILE_APP",
    "HOSTILE_NAME",
    "HOSTILE_VALUE",
    "LEGACY",
    "REMOVED",
    "SECRET_VALUE",
    "Action",
    "Page",
    "hostile_report",
]
