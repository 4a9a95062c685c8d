"""Lists, how-tos and document summaries from the documents' structure (qa.compose_structured, qa.compose_howto,
qa.compose_summary), the list/summary rules of qa.question_kinds and the summary plan of qa.evidence: every line
whole, cited, and kept by the verifier."""

import pytest

from qa.citations import build_citations
from qa.compose_howto import structured_howto
from qa.compose_list import structured_list
from qa.compose_structured import looks_like_code, looks_like_term, units_after
from qa.compose_summary import compose_document_summary
from qa.composers import compose_list
from qa.evidence import document_of_topic, match_document, plan_evidence, with_continuations
from qa.extractive import ScoredSentence
from qa.question_kinds import classify, is_specific, summary_focus, summary_topic
from qa.types import DocumentInfo, Passage
from qa.verification import Verifier
from tests.conftest import FakeEmbedder


def P(text, doc="d.html", start=0, i=0, heading=""):
    return Passage(doc_id=doc, title=doc, chunk_id=f"{doc}::{i}", text=text, score=1.0, start=start, end=start + len(text), heading=heading)


def S(passages, n, sentence, score=0.8, vector=None):
    p = passages[n - 1]
    at = p.text.index(sentence)
    return ScoredSentence(n, p.start + at, p.start + at + len(sentence), sentence, score, vector=vector)


def checked(text, passages):
    """The answer as a person gets it: every line verified, citations numbered."""
    result = Verifier(FakeEmbedder()).check(text, passages)
    final, citations = build_citations(result.text, [passages[n - 1] for n, *_ in result.targets],
                                       {i: (q, s, e) for i, (_, q, s, e) in enumerate(result.targets, start=1)})
    return final, result


RESTRICTED = ("A restricted shell is used to set up a controlled environment. A restricted shell behaves identically to bash "
              "with the exception that the following are disallowed or not performed:\n\nChanging directories with the cd builtin.\n\n"
              "Setting or unsetting the values of the SHELL, PATH, HISTFILE, ENV, or BASH_ENV variables.\n\n"
              "Specifying command names containing slashes.")
RESTRICTED_2 = ("Specifying command names containing slashes.\n\nUsing the exec builtin to replace the shell with another command.\n\n"
                "These restrictions are enforced after any startup files are read.")


def test_items_after_a_lead_in_are_the_list_even_across_two_chunks():
    second_start = RESTRICTED.index("Specifying command names")
    passages = [P(RESTRICTED), P(RESTRICTED_2, start=second_start, i=1)]
    lead = "A restricted shell behaves identically to bash with the exception that the following are disallowed or not performed:"
    text = compose_list("What is disallowed in a restricted shell?", [S(passages, 1, lead, 0.9)], passages, floor=0.3)
    lines = text.splitlines()
    assert lines[0].startswith("A restricted shell behaves") and lines[1:] == [
        "- Changing directories with the cd builtin [1].",
        "- Setting or unsetting the values of the SHELL, PATH, HISTFILE, ENV, or BASH_ENV variables [1].",
        "- Specifying command names containing slashes [1].",
        "- Using the exec builtin to replace the shell with another command [2]."]  # 'These restrictions ...' ends it
    final, result = checked(text, passages)
    assert not result.unverified and final.count("\n- ") == 4


LOOPS = ("Bash supports the following looping constructs.\n\nuntil\n\nThe syntax of the until command is:\n\n"
         "until test-commands; do consequent-commands; done\n\nExecute consequent-commands as long as test-commands has an exit status "
         "which is not zero.\n\nwhile\n\nThe syntax of the while command is:\n\nwhile test-commands; do consequent-commands; done\n\n"
         "Execute consequent-commands as long as test-commands has an exit status of zero.")


def test_a_definition_list_is_listed_as_its_terms_with_what_each_does():
    passages = [P(LOOPS)]
    text = structured_list("Which looping constructs does bash support?", [S(passages, 1, "Bash supports the following looping constructs.")], passages, 0.3)
    final, result = checked(text, passages)
    assert not result.unverified and "- `until`: Execute" in final
    assert text.splitlines()[1:] == [
        "- `until`: Execute consequent-commands as long as test-commands has an exit status which is not zero [1].",
        "- `while`: Execute consequent-commands as long as test-commands has an exit status of zero [1]."]


def test_options_nested_under_a_command_are_not_items_of_the_list():
    text = ("Directory Stack Builtins:\n\ndirs\n\nDisplay the list of currently remembered directories.\n\n-c\n\nClears the directory "
            "stack by deleting all of the elements.\n\npopd\n\nRemoves elements from the directory stack.\n\npushd\n\nAdds a directory to "
            "the top of the directory stack.")
    passages = [P(text)]
    out = structured_list("Which builtins manage the directory stack?", [S(passages, 1, "Directory Stack Builtins:")], passages, 0.3)
    assert [line.split(":")[0] for line in out.splitlines()[1:]] == ["- `dirs`", "- `popd`", "- `pushd`"]


@pytest.mark.parametrize("block, after_lead_in, code", [
    ("$ git switch -c fixup HEAD~3", False, True),
    ("declare -A name", True, True),
    ("if [ -f ~/.bashrc ]; then . ~/.bashrc; fi", False, True),
    ("git bisect start\ngit bisect bad", False, True),
    ("while test-commands; do consequent-commands; done", False, True),
    ("Changing directories with the cd builtin.", True, False),
    ("Display the list of currently remembered directories and what they hold.", False, False),
])
def test_code_blocks_are_told_from_sentences(block, after_lead_in, code):
    assert looks_like_code(block, after_lead_in) is code


@pytest.mark.parametrize("block, term", [("--soft", True), ("-c <new-branch>", True), ("until", True), ("3.2.5.1 Looping Constructs", False),
                                         ("Changing directories with the cd builtin.", False), ("The syntax of the for command is:", False)])
def test_definition_terms(block, term):
    assert looks_like_term(block) is term


def test_howto_gives_the_command_after_its_lead_in_whole_and_cited():
    text = ("Indexed arrays are referenced using integers.\n\nAssociative arrays are created using\n\ndeclare -A name\n\n"
            "Attributes may be specified for an array variable using the declare and readonly builtins.")
    passages = [P(text)]
    ranked = [S(passages, 1, "Indexed arrays are referenced using integers.", 0.7), S(passages, 1, "Associative arrays are created using", 0.66)]
    out = structured_howto("How do I create an associative array?", ranked, passages)
    assert out == "Associative arrays are created using [1].\n```\ndeclare -A name\n```\n[1]"  # code that follows wins
    final, result = checked(out, passages)
    assert "declare -A name" in final and not result.unverified


def test_code_keeps_its_spaces_through_citation_numbering():
    text = "So, typically, your ~/.bash_profile contains the line\n\nif [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n\nafter any initializations."
    passages = [P(text)]
    out = structured_howto("How do I make ~/.bash_profile run ~/.bashrc?", [S(passages, 1, "So, typically, your ~/.bash_profile contains the line")], passages)
    final, _ = checked(out, passages)
    assert "if [ -f ~/.bashrc ]; then . ~/.bashrc; fi" in final and "after any" not in final


def test_howto_names_the_option_a_description_belongs_to():
    text = ("-c <new-branch>\n\n--create <new-branch>\n\nCreate a new branch named <new-branch> starting at <start-point> before switching "
            "to the branch. This is a convenient shortcut for:\n\n$ git branch <new-branch>\n$ git switch <new-branch>")
    passages = [P(text)]
    out = structured_howto("How do I create a new branch and switch to it?", [S(passages, 1, text.split("\n\n")[2].split(". ")[0] + ".")], passages)
    assert out.startswith("`-c <new-branch>`, `--create <new-branch>`: Create a new branch") and "$ git switch <new-branch>\n```" in out


def test_an_faq_question_is_answered_by_the_paragraph_after_it():
    text = ("I've made a mistake in the last commit. How do I change it?\n\nYou can make the change, run git add <file> to stage it, "
            "and then git commit --amend.\n\nI've pushed a bad change. How should I undo it?")
    passages = [P(text)]
    out = structured_howto("How do I fix a mistake in my last commit?", [S(passages, 1, "I've made a mistake in the last commit.")], passages)
    assert out == "You can make the change, run git add <file> to stage it, and then git commit --amend [1]."


def test_a_document_summary_takes_a_point_from_each_section_in_order():
    sections = {"NAME": "git-bisect - Use binary search to find the commit that introduced a bug.",
                "DESCRIPTION": "You mark commits good or bad until the first bad commit is found.",
                "Bisect reset": "After a bisect session, to clean up the bisection state, use git bisect reset.",
                "Bisect run": "If you have a script that can tell if the current source code is good or bad, you can bisect with git bisect run."}
    passages, at = [], 0
    for i, (heading, text) in enumerate(sections.items()):
        passages.append(P(text, start=at, i=i, heading=f"git-bisect(1) › {heading}"))
        at += len(text) + 2
    emb = FakeEmbedder()
    ranked = []
    for n, p in enumerate(passages, start=1):
        for sentence in p.text.replace(". ", ".\n").splitlines():
            ranked.append(S(passages, n, sentence, 0.5, emb.embed(sentence)))
    target = emb.embed("git bisect binary search commit bug good bad reset run")
    out = compose_document_summary(ranked, passages, target, points=4).splitlines()
    assert len(out) == 4 and [line[-4:] for line in out] == ["[1].", "[2].", "[3].", "[4]."]  # one per section, in order


@pytest.mark.parametrize("question, kind", [
    ("Which modes does git reset support?", "list"), ("From which places does Git read ignore patterns?", "list"),
    ("For which roles does giteveryday list commands?", "list"), ("What is disallowed in a restricted shell?", "list"),
    ("Which branch does git pull merge?", "lookup"), ("What is the default merge strategy?", "lookup"),
    ("Which process does this?", "lookup"),
])
def test_questions_asking_for_several_things_are_lists(question, kind):
    assert classify(question).kind == kind


@pytest.mark.parametrize("question, topic, focus", [
    ("Summarize the manual's section on coprocesses.", "coprocesses", None),
    ("Summarize what the manual says about job control basics.", "job control basics", None),
    ("Give an overview of how bash arrays work.", "bash arrays", None),
    ("Summarize the FAQ's advice about credentials.", "credentials", "credentials"),
    ("Summarize the gittutorial manual page.", None, ""),
])
def test_summary_topics_and_focus(question, topic, focus):
    kind = classify(question)
    if topic is not None:
        assert summary_topic(question) == topic
    if focus is not None:
        assert kind.scope == "document" and summary_focus(question, kind.document_hint) == focus
    else:
        assert kind.scope == "topic"  # 'the manual' names the whole collection, not one document


def test_generic_and_specific_document_phrases():
    assert not is_specific("the manual") and not is_specific("the documentation") and is_specific("the FAQ") and is_specific("the Restricted Shell section")


GIT_DOCS = [DocumentInfo(doc_id=d, title=f"{d.split('.')[0]}(7) Manual Page", source=f"/d/{d}", chunks=10)
            for d in ("gittutorial.html", "gittutorial-2.html", "git-bisect.html", "git-stash.html", "gitfaq.html", "git-merge.html")]


def test_a_topic_that_spells_a_file_name_is_that_document():
    assert document_of_topic("how git bisect works", GIT_DOCS) == "git-bisect.html"
    assert document_of_topic("stashing changes", GIT_DOCS) == "git-stash.html"
    assert document_of_topic("rebasing", GIT_DOCS) is None
    plan = plan_evidence("Summarize how git bisect works.", classify("Summarize how git bisect works."), GIT_DOCS, 5)
    assert plan.whole_document == "git-bisect.html"


def test_a_title_tie_goes_to_the_exact_file_name():
    assert match_document("the gittutorial manual", GIT_DOCS) == "gittutorial.html"


def test_lists_and_howtos_read_the_chunk_after_their_best_passages():
    chunks = [P("a " * 10, i=0), P("b " * 10, start=20, i=1), P("c " * 10, start=40, i=2)]
    got = with_continuations([chunks[0]], 3, lambda doc: chunks)
    assert [p.chunk_id for p in got] == ["d.html::0", "d.html::1"]
    got = with_continuations([chunks[0], chunks[1]], 1, lambda doc: chunks)  # the next one was read: the one after it
    assert [p.chunk_id for p in got] == ["d.html::0", "d.html::1", "d.html::2"]


def test_git_notes_merge_strategies_from_a_real_page_on_a_real_store(store, fake_embedder, tmp_path):
    """git-doc's git-notes page, ingested into embedded Chroma: the strategies after 'from among the following ...:'
    come out as the list, each item whole and verified against the stored chunks."""
    import shutil

    from qa.ingestion import Ingestion

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy("/usr/share/doc/git-doc/git-notes.html", folder / "git-notes.html")
    Ingestion(store, fake_embedder).run([folder])
    passages = store.document_passages("git-notes.html")
    lead = "Users may select an automated merge strategy from among the following using either -s/--strategy option or configuring notes.mergeStrategy accordingly:"
    n = next(i for i, p in enumerate(passages, start=1) if lead in p.text)
    out = compose_list("Which notes merge strategies are there?", [S(passages, n, lead, 0.9)], passages, floor=0.3)
    items = out.splitlines()[1:]
    assert [i.split()[1] for i in items[:4]] == ['"ours"', '"theirs"', '"union"', '"cat_sort_uniq"']
    final, result = checked(out, passages)
    assert not result.unverified and final.count("\n- ") == len(items)
    assert units_after(passages, n, passages[n - 1].start + passages[n - 1].text.index(lead) + len(lead))[0].kind == "sentence"


def test_a_synopsis_is_neither_a_lead_in_nor_an_item():
    text = ("git grep [-a | --text] [-I] [--textconv]\n        [-w | --word-regexp]\n\ngit grep --all-match -e NODE -e Unexpected\n\n"
            "Looks for a line that has NODE or Unexpected in files that have lines that match both.")
    passages = [P(text)]
    ranked = [S(passages, 1, "git grep [-a | --text] [-I] [--textconv]\n        [-w | --word-regexp]", 0.7),
              S(passages, 1, "git grep --all-match -e NODE -e Unexpected", 0.69),
              S(passages, 1, "Looks for a line that has NODE or Unexpected in files that have lines that match both.", 0.6)]
    assert compose_list("Which options does git grep offer?", ranked, passages, 0.3) == \
        "- Looks for a line that has NODE or Unexpected in files that have lines that match both [1]."


def test_an_overview_labels_each_document_without_the_shared_title_start():
    from qa.composers import compose_overview

    emb = FakeEmbedder()
    texts = {"a.pdf": ("Bash Reference Manual: 3.5.1 Brace Expansion", "Brace expansion is a mechanism by which arbitrary strings may be generated."),
             "b.pdf": ("Bash Reference Manual: 6.8 The Directory Stack", "The dirs builtin displays the contents of the directory stack.")}
    passages = [Passage(doc_id=d, title=t, chunk_id=f"{d}::0", text=x, score=1.0, start=0, end=len(x)) for d, (t, x) in texts.items()]
    ranked = [S(passages, n, p.text, 0.5, emb.embed(p.text)) for n, p in enumerate(passages, start=1)]
    out = compose_overview(ranked, passages, {id(s): s.vector for s in ranked})
    assert out.splitlines() == ["- In “Brace Expansion”: Brace expansion is a mechanism by which arbitrary strings may be generated [1].",
                                "- In “The Directory Stack”: The dirs builtin displays the contents of the directory stack [2]."]
