"""Rendering: params and components evaluated into Kubernetes objects."""

from kfkit.render._render import DEFAULT_MAX_OUTPUT, RenderOptions, env_params, render

__all__ = ["DEFAULT_MAX_OUTPUT", "RenderOptions", "env_params", "render"]
