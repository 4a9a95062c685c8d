"""What the `qa` command's modules share: its option types and how a library error is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

StoreOpt = Annotated[Optional[Path], typer.Option("--store", help="Folder of the embedded Chroma database [default: QA_STORE or ./vectorstore].")]
CollectionOpt = Annotated[Optional[str], typer.Option("--collection", "-c", help="Collection name [default: QA_COLLECTION or 'default'].")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
DocOpt = Annotated[Optional[list[str]], typer.Option("--doc", "-d", help="Only from this document (an id from `qa documents`); repeat for several.")]


def _run(fn):
    """Run a library call; our own errors become a one-line message and exit code 2."""
    from qa.errors import QAError

    try:
        return fn()
    except QAError as exc:
        typer.secho(f"Error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
