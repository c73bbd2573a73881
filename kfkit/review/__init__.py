"""Review reports: what applying an environment would do, as one HTML file or a Markdown comment.

A pure stage: :class:`Report` is data that :func:`kfkit.App.review` fills from the
library's results, and :func:`to_html` / :func:`to_markdown` only format it.
"""

from kfkit.review._html import to_html
from kfkit.review._markdown import to_markdown
from kfkit.review._model import ComponentReview, ObjectReview, ParamReview, Report, anchor_of

__all__ = ["ComponentReview", "ObjectReview", "ParamReview", "Report", "anchor_of", "to_html", "to_markdown"]
