"""docs/cli.md is the CLI's own --help text: regenerate it with `python scripts/cli_help.py` when a command changes."""

from __future__ import annotations

import importlib.util
import re

from tests.conftest import ROOT


def _script():
    spec = importlib.util.spec_from_file_location("cli_help", ROOT / "scripts" / "cli_help.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date():
    script = _script()
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == script.render(), "docs/cli.md is stale: run `python scripts/cli_help.py` and commit it"


def test_every_command_and_option_is_in_the_reference():
    from qa.cli import app

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"## `qa {name}`" in text
    assert re.search(r"--doc\s", text) and "QA_API_KEYS" in text
    assert _script().main(["--check"]) == 0
