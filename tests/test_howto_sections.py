"""A manual's section whose heading names the task asked is the how-to's answer (qa.compose_howto.section_opening)."""

import pytest

from qa.compose_howto import heading_names_task, structured_howto
from qa.verification import Verifier
from tests.conftest import FakeEmbedder
from tests.test_compose_structured import P, S


@pytest.mark.parametrize("question, heading, names", [
    ("How do I run my program under Memcheck?", "3. Running your program under Memcheck", True),
    ("How do I interpret Memcheck's output?", "4. Interpreting Memcheck's output", True),
    ("How do I prepare my program?", "2. Preparing your program", True),
    ("How do I run my program?", "3. Running your program under Memcheck", False),  # the heading says more than was asked
    ("How do I find a bug with git bisect?", "Basic bisect commands: start, bad, good", False),
    ("How do I install it?", "Installing", False),  # one word names no task
])
def test_heading_names_task(question, heading, names):
    assert heading_names_task(question, heading) is names


SECTION = ("3. Running your program under Memcheck\n\nIf you normally run your program like this:\n\nmyprog arg1 arg2\n\n"
           "Use this command line:\n\nvalgrind --leak-check=yes myprog arg1 arg2\n\nMemcheck is the default tool.")


def test_the_section_on_the_task_is_quoted_from_its_start_with_its_code():
    passages = [P(SECTION, doc="quick-start.pdf", heading="The Valgrind Quick Start Guide › 3. Running your program under Memcheck"),
                P("4.5. Memcheck doesn't report any errors and I know my program has errors.", doc="faq.pdf", i=1)]
    ranked = [S(passages, 2, "Memcheck doesn't report any errors and I know my program has errors.", 0.64),
              S(passages, 1, "Memcheck is the default tool.", 0.39),
              S(passages, 1, "If you normally run your program like this:", 0.30),
              S(passages, 1, "Use this command line:", 0.28)]
    text = structured_howto("How do I run my program under Memcheck?", ranked, passages)
    assert text.startswith("If you normally run your program like this [1]:")
    assert "```\nvalgrind --leak-check=yes myprog arg1 arg2\n```" in text and "faq" not in text
    assert not Verifier(FakeEmbedder()).check(text, passages).unverified
    other = structured_howto("How do I silence Memcheck's errors?", ranked, passages)  # no heading names it: the best sentence
    assert other.startswith("Memcheck doesn't report any errors")


def test_a_sentence_going_on_from_another_does_not_open_a_howto():
    mv = P("DESCRIPTION\n\nMove or rename a file, directory or symlink.\n\ngit mv [-v] [-f] <source> <destination>", doc="git-mv.html",
           heading="git-mv(1) Manual Page › DESCRIPTION")
    log = P("--find-renames[=<n>]\n\nFor example, -M90% means Git should consider a delete/add pair to be a rename if more than 90% "
            "of the file hasn't changed.", doc="git-log.html", i=1, heading="git-log(1) Manual Page › OPTIONS")
    passages = [log, mv]
    ranked = [S(passages, 1, "For example, -M90% means Git should consider a delete/add pair to be a rename if more than 90% of the file hasn't changed.", 0.84),
              S(passages, 2, "Move or rename a file, directory or symlink.", 0.70)]
    text = structured_howto("How do I rename a file with git?", ranked, passages)
    assert text.startswith("Move or rename a file, directory or symlink [2].") and "```\ngit mv [-v] [-f] <source> <destination>\n```" in text


BZIP2_OPTIONS = ("2.4. OPTIONS\n\n-c --stdout\n\nCompress or decompress to standard output.\n\n-k --keep\n\n"
                 "Keep (don't delete) input files during compression or decompression.\n\n-q --quiet\n\n"
                 "Suppress non-essential warning messages.")
BZIP2_PROSE = ("If no file names are specified, bzip2 compresses from standard input to standard output. In this case, "
               "bzip2 will decline to write compressed output to a terminal.")


@pytest.mark.parametrize("question, sentence, fits", [
    ("How do I keep the input file when compressing with bzip2?", "Keep (don't delete) input files during compression or decompression.", True),
    ("How do I keep the input file when compressing with bzip2?", "Suppress non-essential warning messages.", False),  # another verb
    ("How do I keep the input file when compressing with bzip2?", "If no file names are specified, bzip2 compresses from standard input to standard output.", False),  # no option's
    ("How do I use standard output?", "Compress or decompress to standard output.", False),
])
def test_option_fit(question, sentence, fits):
    from qa.compose_howto import OPTION_DOES, option_fit

    passages = [P(BZIP2_OPTIONS, doc="bzip2.html", heading="2. How to use bzip2 › 2.4. OPTIONS"), P(BZIP2_PROSE, doc="bzip2.html", i=1, start=5000)]
    n = 1 if sentence in BZIP2_OPTIONS else 2
    assert option_fit(question, S(passages, n, sentence), passages) == (OPTION_DOES if fits else 0.0)


def test_a_how_to_answered_by_an_option_quotes_the_option():
    passages = [P(BZIP2_OPTIONS, doc="bzip2.html", heading="2. How to use bzip2 › 2.4. OPTIONS"), P(BZIP2_PROSE, doc="bzip2.html", i=1, start=5000)]
    ranked = [S(passages, 2, "If no file names are specified, bzip2 compresses from standard input to standard output.", 0.738),
              S(passages, 1, "Keep (don't delete) input files during compression or decompression.", 0.708),
              S(passages, 1, "Compress or decompress to standard output.", 0.6)]
    text = structured_howto("How do I keep the input file when compressing with bzip2?", ranked, passages)
    assert text.startswith("`-k --keep`: Keep (don't delete) input files during compression or decompression [1].")
