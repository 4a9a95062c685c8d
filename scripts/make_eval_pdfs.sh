#!/usr/bin/env bash
# Print sections of bash's reference manual (Debian's bash-doc, /usr/share/doc/bash/bashref.html) to PDF with
# Debian's chromium, one PDF a section, into tests/data/corpora/bashpdf/ (the "bashpdf" corpus of the development
# set, tests/data/dev_questions.jsonl). Each section is cut out of the manual whole (its <div id=...>, nested
# subsections included), kept with the manual's own stylesheet, and printed with chromium's default page header and
# footer, as a person printing the page would. Rerun: bash scripts/make_eval_pdfs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MANUAL=${BASHREF_HTML:-/usr/share/doc/bash/bashref.html}
OUT=tests/data/corpora/bashpdf
WORK=$(mktemp -d /tmp/bashref-pages.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
[ -f "$MANUAL" ] || { echo "no $MANUAL: apt-get install bash-doc (or set BASHREF_HTML)" >&2; exit 1; }
command -v chromium >/dev/null || { echo "no chromium: apt-get install chromium" >&2; exit 1; }
mkdir -p "$OUT"
# section id in the manual -> PDF name
SECTIONS="Shell-Functions:shell-functions Shell-Parameter-Expansion:parameter-expansion Redirections:redirections
Conditional-Constructs:conditional-constructs Looping-Constructs:looping-constructs Arrays:arrays Aliases:aliases
Bash-Startup-Files:startup-files The-Directory-Stack:directory-stack Job-Control-Basics:job-control-basics
Exit-Status:exit-status Bash-Conditional-Expressions:conditional-expressions The-Restricted-Shell:restricted-shell
History-Interaction:history-expansion Brace-Expansion:brace-expansion"
python3 - "$MANUAL" "$WORK" $SECTIONS <<'PY'
import re, sys, html
manual, work, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
page = open(manual, encoding="utf-8").read()
style = "\n".join(re.findall(r"<style[^>]*>.*?</style>", page, re.S))
for pair in pairs:
    section_id, name = pair.split(":")
    start = page.index(f'id="{section_id}"')
    start = page.rindex("<div", 0, start)
    depth, pos = 0, start
    for tag in re.finditer(r"<div\b|</div>", page[start:]):
        depth += 1 if tag.group() == "<div" else -1
        if depth == 0:
            end = start + tag.end()
            break
    body = page[start:end]
    body = re.sub(r"<div class=\"header\">.*?</div>", "", body, flags=re.S)  # the web page's "Next: ... Up:" links
    heading = re.search(r"<h[1-4][^>]*>(.*?)</h[1-4]>", body, re.S).group(1)
    title = html.unescape(re.sub(r"<[^>]+>", "", heading)).strip()
    doc = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Bash Reference Manual: {html.escape(title)}</title>\n'
           f"{style}\n</head><body>\n{body}\n</body></html>\n")
    open(f"{work}/{name}.html", "w", encoding="utf-8").write(doc)
PY
for page in "$WORK"/*.html; do
  name=$(basename "$page" .html)
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --no-first-run --print-to-pdf="$OUT/$name.pdf" "$page" 2>/dev/null
  echo "$OUT/$name.pdf"
done
du -sh "$OUT"
