"""The one error the renderer raises: its message names the file and line."""

from __future__ import annotations


class RenderError(RuntimeError):
    """A document could not be rendered; the message says where and why."""
