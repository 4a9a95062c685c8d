"""The page's theme, CSS and the small script that makes citation markers open the source panel.

Nothing here refers to anything outside the app: system fonts only, no external scripts or stylesheets.
"""

from __future__ import annotations

import gradio as gr

SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


def theme() -> gr.themes.Base:
    """A plain theme on system fonts (Gradio's theme fonts would otherwise be fetched by the page)."""
    return gr.themes.Soft(primary_hue="indigo", secondary_hue="slate", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS)


# Clicking a marker (or a source entry) remembers "turn:n" and clicks the hidden "open source" button, whose event
# reads it back through its js= hook (OPEN_SOURCE_JS) and renders the panel on the server from the stored answer.
HEAD = """
<script>
(() => {
  if (window.__qaCiteHandler) return;
  window.__qaCiteHandler = true;
  document.addEventListener("click", (ev) => {
    const a = ev.target && ev.target.closest ? ev.target.closest("a.qa-cite") : null;
    if (!a) return;
    const m = (a.getAttribute("href") || "").match(/^#qa-cite-(\\d+)-(\\d+)$/);
    if (!m) return;
    ev.preventDefault();
    ev.stopPropagation();
    window.__qaCite = m[1] + ":" + m[2];
    document.querySelectorAll("a.qa-cite.qa-active").forEach((x) => x.classList.remove("qa-active"));
    a.classList.add("qa-active");
    const host = document.getElementById("qa-open-source");
    const btn = host && (host.tagName === "BUTTON" ? host : host.querySelector("button"));
    if (btn) btn.click();
  }, true);
})();
</script>
"""

OPEN_SOURCE_JS = "(target, conversation) => [window.__qaCite || target || '', conversation]"

CSS = """
.gradio-container { max-width: 1280px !important; }
#qa-header h1 { margin: 0 0 2px 0; font-size: 1.5rem; }
#qa-header p { margin: 0; color: var(--body-text-color-subdued); }
#qa-open-source, #qa-cite-target { display: none !important; }
.qa-answer, .qa-question { line-height: 1.55; }
.qa-text { white-space: normal; }
a.qa-cite { text-decoration: none !important; font-weight: 600; font-size: 0.78em; vertical-align: super; line-height: 0;
  color: var(--color-accent) !important; padding: 0 1px; border-radius: 3px; cursor: pointer; }
a.qa-cite:hover, a.qa-cite.qa-active { background: var(--color-accent-soft); }
.qa-sources { margin-top: 10px; padding-top: 8px; border-top: 1px solid var(--border-color-primary); font-size: 0.88em; }
.qa-sources-head { font-weight: 600; color: var(--body-text-color-subdued); margin-bottom: 2px; }
.qa-gen { font-weight: 400; }
.qa-sources ul { list-style: none; margin: 0; padding: 0; }
.qa-sources li { margin: 2px 0; }
.qa-sources a.qa-src { vertical-align: baseline; font-size: 1em; font-weight: 400; color: var(--body-text-color) !important; }
.qa-sources .qa-src-n { color: var(--color-accent); font-weight: 600; }
.qa-src-id { color: var(--body-text-color-subdued); font-family: var(--font-mono); font-size: 0.9em; }
.qa-declined { border-left: 4px solid #d97706; padding-left: 10px; background: rgba(217, 119, 6, 0.07); border-radius: 4px; }
.qa-declined-head { font-weight: 600; color: #b45309; }
.qa-declined-text { font-style: italic; }
.qa-unverified { text-decoration: underline dotted #dc2626; text-underline-offset: 3px; background: rgba(220, 38, 38, 0.06); }
.qa-unverified-note { margin-top: 6px; font-size: 0.85em; color: #b91c1c; }
.qa-rewrite { margin-top: 6px; font-size: 0.82em; color: var(--body-text-color-subdued); }
.qa-error { color: #b91c1c; }
.qa-cursor { animation: qa-blink 1s steps(1) infinite; color: var(--color-accent); }
@keyframes qa-blink { 50% { opacity: 0; } }
.qa-panel { padding: 12px 14px; border: 1px solid var(--border-color-primary); border-radius: 8px;
  background: var(--block-background-fill); max-height: 520px; overflow-y: auto; }
.qa-panel-empty { color: var(--body-text-color-subdued); font-size: 0.92em; }
.qa-panel-label { font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.04em; color: var(--body-text-color-subdued); }
.qa-panel-title { font-size: 1.08em; font-weight: 650; margin: 2px 0 2px; }
.qa-panel-meta, .qa-panel-path { font-size: 0.8em; color: var(--body-text-color-subdued); font-family: var(--font-mono); word-break: break-all; }
.qa-passage { margin: 10px 0 8px; line-height: 1.6; font-size: 0.95em; }
mark.qa-hl { background: #fde68a; color: inherit; padding: 1px 2px; border-radius: 3px; }
.qa-panel-quote { margin-top: 8px; }
#qa-status { min-height: 1.5em; }
"""
