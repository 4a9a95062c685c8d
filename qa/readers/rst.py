"""reStructuredText -> blocks through docutils' own parser (public domain / BSD).

The doctree gives sections (headings with their path), paragraphs, bullet, enumerated and definition list items,
literal blocks (code) and tables (header carried on each row).  Nothing is read from disk or the network while
parsing: include and raw directives are off.  Sphinx's common roles (:ref:, :func:, ...) show their text, and its
common directives keep their content (note-like ones) or are passed over (toctree, index, ...), instead of ending
up as error messages in the text."""

from __future__ import annotations

import io
import re
from collections import defaultdict

from qa.readers import Extracted, ReadError
from qa.readers.structured import HeadingTrail, block, first_heading, one_line, table_blocks
from qa.types import Block

_SPHINX_ROLES = ("ref doc term func meth class mod attr data exc obj const program option envvar file command kbd "
                 "menuselection guilabel abbr samp keyword dfn mimetype makevar manpage regexp pep rfc download numref "
                 "any py:func py:meth py:class py:mod py:attr py:data py:exc py:obj py:const c:func c:type c:macro c:data "
                 "c:member").split()
_CONTENT_DIRECTIVES = "seealso versionadded versionchanged deprecated centered hlist glossary only productionlist".split()
_IGNORED_DIRECTIVES = ("toctree index highlight currentmodule module tabularcolumns literalinclude autofunction automodule "
                       "autoclass automethod autodata autoattribute function class method attribute data exception "
                       "describe option program envvar").split()
_registered = False


def _register_sphinx_names() -> None:
    """Make docutils read Sphinx's common roles and directives (once a process)."""
    global _registered
    if _registered:
        return
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives, roles

    def shown_text(name, rawtext, text, lineno, inliner, options=None, content=None):
        found = re.match(r"^(.*?)\s*<[^<>]*>$", text, re.DOTALL)  # "title <target>" shows the title
        shown = (found.group(1) if found and found.group(1) else text).lstrip("~!")
        return [nodes.literal(rawtext, shown)], []

    class ContentOnly(Directive):
        has_content, optional_arguments, final_argument_whitespace = True, 1, True
        option_spec = defaultdict(lambda: directives.unchanged)

        def run(self):
            container = nodes.container()
            argument = " ".join(self.arguments)
            if self.name in ("versionadded", "versionchanged", "deprecated"):
                argument = (argument.split(None, 1) + [""])[1]  # the version number goes; the text after it stays
            if argument.strip():
                container += nodes.paragraph(argument, argument)
            self.state.nested_parse(self.content, self.content_offset, container)
            return [container]

    class Nothing(ContentOnly):
        optional_arguments = 3

        def run(self):
            return []

    for name in _SPHINX_ROLES:
        roles.register_local_role(name, shown_text)
    for name in _CONTENT_DIRECTIVES:
        directives.register_directive(name, ContentOnly)
    for name in _IGNORED_DIRECTIVES:
        directives.register_directive(name, Nothing)
    _registered = True


def read_rst(data: bytes, name: str) -> Extracted:
    """Title: the document title docutils promotes (a lone top section), else the first heading."""
    from docutils.core import publish_doctree

    from qa.loaders import decode_bytes  # imported here: the loader dispatches to readers, not the other way

    try:
        text = decode_bytes(data)
    except ValueError as exc:
        raise ReadError(f"{name} is not a text file ({exc})") from exc
    _register_sphinx_names()
    overrides = {"report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(), "traceback": True,
                 "file_insertion_enabled": False, "raw_enabled": False, "_disable_config": True,
                 "smart_quotes": False, "input_encoding": "unicode"}
    try:
        doctree = publish_doctree(text, source_path=name, settings_overrides=overrides)
    except Exception as exc:  # docutils may still raise on pathological input
        raise ReadError(f"{name} could not be parsed as reStructuredText: {exc}") from exc
    walker = _Walker()
    walker.walk(doctree, level=0)
    title = one_line(doctree.get("title", "")) or _docinfo_title(doctree)
    return Extracted(blocks=walker.blocks, title=title or first_heading(walker.blocks))


def _docinfo_title(doctree) -> str | None:
    """A ':title:' field at the top of the file (docutils keeps it in the docinfo)."""
    for field in doctree.findall(lambda n: n.tagname == "field" and n.parent is not None and n.parent.tagname == "docinfo"):
        if field.children and field.children[0].astext().strip().lower() == "title":
            return one_line(field.children[-1].astext()) or None
    return None


class _Walker:
    _SKIPPED = {"system_message", "comment", "substitution_definition", "target", "raw", "pending", "image", "meta",
                "docinfo", "decoration", "problematic"}
    _RECURSED = {"block_quote", "container", "compound", "sidebar", "footnote", "citation", "legend", "figure",
                 "note", "warning", "tip", "hint", "important", "caution", "danger", "error", "attention",
                 "admonition", "line_block"}

    def __init__(self) -> None:
        self.trail = HeadingTrail()
        self.blocks: list[Block] = []

    def _add(self, made: Block | None) -> None:
        if made is not None:
            self.blocks.append(made)

    def walk(self, node, level: int) -> None:
        for child in node.children:
            kind = child.tagname
            if kind in self._SKIPPED:
                continue
            if kind == "title":
                if node.tagname in ("document", "section"):
                    made = block("heading", child.astext())
                    if made:
                        self._add(made.model_copy(update={"heading_path": self.trail.enter(level, made.text)}))
            elif kind == "section":
                self.walk(child, level + 1)
            elif kind in ("paragraph", "subtitle", "rubric", "caption", "attribution", "line"):
                self._add(block("paragraph", child.astext(), self.trail.path))
            elif kind in ("literal_block", "doctest_block"):
                self._add(block("code", child.astext(), self.trail.path))
            elif kind in ("bullet_list", "enumerated_list"):
                for item in child.children:
                    self._list_item(item, level)
            elif kind in ("definition_list", "field_list", "option_list"):
                for item in child.children:
                    self._labelled_item(item)
            elif kind == "table":
                self._table(child)
            elif kind == "topic" and "contents" in child.get("classes", []):
                continue  # a generated table of contents repeats the headings
            elif kind in self._RECURSED or kind == "topic" or child.children:
                self.walk(child, level)

    def _list_item(self, item, level: int) -> None:
        own = [c.astext() for c in item.children if c.tagname == "paragraph"]
        self._add(block("list_item", " ".join(own), self.trail.path))
        rest = [c for c in item.children if c.tagname != "paragraph"]
        if rest:
            holder = item.deepcopy()
            holder.children = []
            holder.extend(c.deepcopy() for c in rest)
            self.walk(holder, level)

    def _labelled_item(self, item) -> None:
        """'term: definition' for definition lists, field lists and option lists."""
        parts = [one_line(c.astext()) for c in item.children]
        label, rest = (parts[0], parts[1:]) if parts else ("", [])
        body = " ".join(p for p in rest if p)
        self._add(block("list_item", f"{label}: {body}" if label and body else label or body, self.trail.path))

    def _table(self, table) -> None:
        header, rows = None, []
        for group in table.findall(lambda n: n.tagname in ("thead", "tbody")):
            for row in group.children:
                cells = [entry.astext() for entry in row.children]
                if group.tagname == "thead":
                    header = cells  # the last header row names the columns
                else:
                    rows.append(cells)
        for made in table_blocks(rows, self.trail.path, header=header):
            self._add(made)
