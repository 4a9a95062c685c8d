"""An answer's structure (qa.structure) and its rendering in the chat (ui.render): lists, code, escaping."""

from qa.structure import answer_blocks
from ui.render import answer_body_html, render_answer

CITES = [{"n": 1, "title": "T", "quote": "q", "text": "q", "doc_id": "d"}, {"n": 2, "title": "U", "quote": "r", "text": "r", "doc_id": "e"}]


def test_blocks_of_a_list_a_code_block_and_a_sum():
    text = "Do this [1].\n- first item [1].\n- second [2].\n```\ngit reset --soft HEAD~1\n```\n[2]\nIn all: 13 + 4 = 17 [1][2]."
    blocks = answer_blocks(text)
    assert [(b.kind, b.cites) for b in blocks] == [("text", [1]), ("list_item", [1]), ("list_item", [2]), ("code", [2]), ("sum", [1, 2])]
    assert blocks[3].text == "git reset --soft HEAD~1"


def test_lists_and_code_render_as_such_on_one_line():
    html = answer_body_html("Steps [1].\n- one [1].\n- two [2].\n```\nx = 1 < 2\n  y\n```\n[1]", CITES, 0)
    assert "\n" not in html
    assert '<ul class="qa-list"><li>one <a class="qa-cite"' in html and html.count("<li>") == 2
    assert '<pre class="qa-code"><code>x = 1 &lt; 2<br>  y</code></pre>' in html


def test_hostile_text_in_a_list_or_code_stays_escaped():
    html = answer_body_html('- <script>alert(1)</script> [1].\n```\n<img src=x onerror=alert(1)>\n```', CITES, 0)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_a_plain_answer_renders_as_before():
    answer = {"text": "It rose 5% [1].", "citations": CITES[:1], "grounded": True, "question": "q"}
    assert '<div class="qa-text">It rose 5% <a class="qa-cite"' in render_answer(answer, 0)
