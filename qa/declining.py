"""When the extractive generator declines: the thing a question asks about must be in what it read.

The unanswerable questions people ask are near misses: the topic is in the documents, the fact is not ("Why did
Mexico's government refuse to cooperate?", "How does bash's job control compare with zsh's?", "Which providers
support SSH certificates?").  Scores of meaning cannot see that; the question's words can:

- ``absent_focus``: the question's rare words (by their rarity in the collection) that no passage read holds, once
  the words that only frame a question ('summarize', 'recommend', 'compare', 'the FAQ') are set aside; a word
  counts as held when a read word shares its start ('percentage' / 'percent').
- ``names_unquoted``: names of the question (capitalised words, acronyms) that the answer's quoted sentences do not
  hold: a comparison with India quoting nothing about India compares nothing.
- ``cross_encoder_support``: how well the best sentences answer, as the cross-encoder (qa.reranking) reads the
  question with each; it decides, for a question whose rare word is missing, whether a sentence says it in other
  words ('hard to control' / 'impractical to control').
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.acronyms import acronyms_in, question_acronyms
from qa.conversation import asker_part
from qa.lexical import stems
from qa.question_kinds import summary_topic
from qa.types import Passage

#: Words that frame a question (what is asked for, where to look) rather than name what it is about.
FRAME_WORDS = frozenset(stems(
    "summarize summarise summary overview outline give list name names document documents article articles piece opinion "
    "blog post faq manual section page chapter guide tutorial compare compared comparison differ differs difference differences "
    "recommend recommends suggest suggests advise advises think thinks say says said mention mentions happen happens mean means "
    "way ways role available offer offers support supports describe describes explain explains example examples "
    "quote quoted quotes cite cited interview interviewed approach approaches stance stances attitude attitudes"))
_WHY = re.compile(r"^\s*(why|for what reason|what (caused|causes|led to|is the reason|was the reason))\b", re.I)
_NUMBER_WORDS = frozenset(stems("one two three four five six seven eight nine ten first second third several"))
#: Prepositions a stemmer keeps: rare in a collection, they name no topic ('inside double quotes' / 'within double quotes').
_FUNCTION_WORDS = frozenset(stems("inside within outside beneath underneath besides toward towards onto upon via amongst"))
#: Phrases that say how something relates, not what it is about ('What did Washington agree to in return?').
_IDIOMS = re.compile(r"\bin (?:return|exchange|turn|response|particular|general|practice|short|total|all)\b", re.I)
RARE_SHARE = 0.7  # a word this rare (share of the collection's highest idf) names the question's topic
CE_ANSWERS = 4.5  # a cross-encoder logit from which a sentence answers even without the question's rare word
EXPLANATION_CE_FLOOR = 0.0  # an explanation whose best sentences all score below this logit explains nothing asked
_CAPITAL = re.compile(r"(?<!^)(?<![.?!:] )\b([A-Z][a-z]{2,}|[A-Z]{2,}[a-z]?)(?:'s)?\b")
_COMMON = {"the", "what", "which", "how", "why", "who", "when", "where", "does", "did", "is", "are", "and", "in", "on", "for"}


def _held(term: str, have: set[str]) -> bool:
    """Is the stem in the set, or one sharing its first five letters with it ('percentag' / 'percent')?"""
    if term in have:
        return True
    if len(term) < 6:
        return False
    return any(len(h) >= 5 and (term.startswith(h) or h.startswith(term[:max(5, len(h))])) and h[:5] == term[:5] for h in have)


def absent_focus(question: str, read: str, weight: Callable[[str], float] | None, top_weight: float) -> list[str]:
    """The question's rare content words (idf at least RARE_SHARE of ``top_weight``, the collection's highest) that
    nothing read holds; words that frame the question and number words are not counted.  [] without weights."""
    if weight is None or top_weight <= 0:
        return []
    have = set(stems(read.replace("-", " "))) | set(stems(read))  # 'Felbab-Brown' holds 'Brown'
    mine = []
    for word in re.findall(r"[\w'’-]+", _IDIOMS.sub(" ", question)):
        for part in word.split("-") if "-" in word else [word]:  # 'Trump-Xi': both names
            mine += stems(part)
    out = []
    for term in dict.fromkeys(mine):
        if term in FRAME_WORDS or term in _NUMBER_WORDS or term in _FUNCTION_WORDS or term[0].isdigit():
            continue
        if weight(term) >= RARE_SHARE * top_weight and not _held(term, have):
            out.append(term)
    return out


def question_names(question: str) -> list[str]:
    """Capitalised words and acronyms of the question other than its first word ('India', 'SSH', 'Burns')."""
    return [m.group(1) for m in _CAPITAL.finditer(question.strip()) if m.group(1).lower() not in _COMMON]


def names_unquoted(question: str, quoted: str, expansions: dict[str, str] | None = None) -> list[str]:
    """Names of the question that the quoted text (with the titles of its sources) does not hold; an acronym counts
    as held when its spelled-out name is there."""
    have = set(stems(quoted))
    lowered = quoted.lower()
    out = []
    for name in question_names(question):
        spelled = (expansions or {}).get(name, "")
        if (stems(name) and not _held(stems(name)[0], have) and not (spelled and spelled.lower() in lowered)
                and not re.search(rf"(?<![\w])[\w]+-{re.escape(name.lower())}\b|\b{re.escape(name.lower())}-[\w]", lowered)):  # 'Brown' held by 'Felbab-Brown'
            out.append(name)
    return out


def cross_encoder_support(question: str, sentences: Sequence[str]) -> float:
    """The highest cross-encoder logit of the question with each sentence (a few: each pair costs ~20-40 ms on 2
    cores); +inf when the model is not installed (the word rules then decide alone)."""
    if not sentences:
        return float("-inf")
    try:
        from qa.reranking import get_cross_encoder

        encoder = get_cross_encoder()
    except Exception:  # noqa: BLE001 - no model parts: nothing to ask
        return float("inf")
    return max(encoder.logits(question, [s[:720] for s in sentences]))


def top_weight(weight: Callable[[str], float] | None) -> float:
    """The collection's highest word weight (that of a word it never holds)."""
    return weight("zzqxjv") if weight else 0.0


def focus_is_absent(question: str, kind: str, scope: str, best: Sequence[str], read: str, weight: Callable[[str], float] | None) -> bool:
    """Decline?  A rare word of the question (of a summary's topic) is in nothing read and, unless it is a summary,
    none of the ``best`` sentences answers it in other words as the cross-encoder reads them; an explanation is also
    declined when it is a why question and the cross-encoder finds that none of them answers ('Why was the select command added?')."""
    if kind == "summary":  # 'the manual's section on coprocesses': no coprocess anywhere
        topic = summary_topic(question) if scope != "everything" else ""
        return bool(topic and absent_focus(topic, read, weight, top_weight(weight)))
    missing = absent_focus(question, read, weight, top_weight(weight))
    if not missing and not (kind == "explanation" and _WHY.match(question)):  # 'How did X describe …?' is no why
        return False
    return cross_encoder_support(question, best) < (CE_ANSWERS if missing else EXPLANATION_CE_FLOOR)


def answer_misses_focus(question: str, passage: str, best: str, weight: Callable[[str], float] | None) -> bool:
    """Decline a look-up?  A rare word of the question is missing from the passage the answer quotes (with its title),
    and the cross-encoder does not find that the quoted sentence answers it in other words: 'Which version of bzip2
    added multithreading?' answered by 'This manual page pertains to version 1.0.8 of bzip2', the only sentence
    naming a version, while multithreading is spoken of elsewhere."""
    own = asker_part(question)
    missing = absent_focus(own, passage, weight, top_weight(weight))
    return bool(missing) and cross_encoder_support(own, [best]) < CE_ANSWERS


def compares_unquoted(question: str, text: str, passages: Sequence[Passage]) -> bool:
    """Does a comparison leave out a name the question compares: its quoted sentences and their sources' titles hold
    none of it ('China's control compared with India's' answered with two sentences on China)?"""
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text) if 0 < int(n) <= len(passages)}
    quoted = text + " " + " ".join(passages[n - 1].title for n in cited)
    expansions = acronyms_in([p.text for p in passages], question_acronyms(question))
    return bool(names_unquoted(question, quoted, expansions))
