"""The browser chat: ``create_app`` builds the Gradio app, ``launch`` serves it (``qa chat``)."""

from __future__ import annotations


def create_app(*args, **kwargs):
    from ui.app import create_app as _create_app

    return _create_app(*args, **kwargs)


def launch(*args, **kwargs):
    from ui.app import launch as _launch

    return _launch(*args, **kwargs)


__all__ = ["create_app", "launch"]
