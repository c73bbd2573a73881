"""Rendering: params and components evaluated into Kubernetes objects."""

from kfkit.render._render import RenderOptions, render

__all__ = ["RenderOptions", "render"]
