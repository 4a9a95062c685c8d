"""What kind of question is asked: decided from the question's words by rules, no model needed.

lookup (one fact), yes_no, list, summary (of a named document, of a topic, of everything), explanation (why / how
does), howto (how do I / steps), comparison (across sources), multi_step (two facts combined: a total, a
difference), opinion (a named source's view or recommendation).  Follow-ups are rewritten into standalone questions
first (qa.conversation), then classified like any other question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["lookup", "yes_no", "list", "summary", "explanation", "howto", "comparison", "multi_step", "opinion"]
KINDS: tuple[str, ...] = ("lookup", "yes_no", "list", "summary", "explanation", "howto", "comparison", "multi_step", "opinion")
Scope = Literal["document", "topic", "everything"]

_I = re.I
_SUMMARY = re.compile(
    r"^\s*(please\s+)?(summari[sz]e|sum up|give (me )?(a |an )?(short |brief )?(summary|overview|gist|rundown)|provide (a |an )?(summary|overview)|"
    r"(what|which) (is|are) the (main|key|central|major) (points?|takeaways?|ideas?|arguments?|themes?|messages?|claims?)|"
    r"what('s| is) the (gist|upshot)|tl;?dr|overview of|outline|what (do|does|did) (the|these|all the|my) (documents|sources|articles|texts|files|corpus) (say|tell|report|write) (about|on)|"
    r"what (is|are) (said|written|reported) (about|on))\b|\b(in a nutshell|main points|key points|key takeaways)\b", _I)
_HOWTO = re.compile(
    r"^\s*(how (do|can|should|would|could|might) (i|we|you|one)|how to|what (are|is) the steps?|what steps|which steps|"
    r"what (command|option|flag|setting)s? (do|should|can|would) (i|we|you))\b|\bsteps? (to|for)\b|\bshow me how\b", _I)
_MULTI = re.compile(
    r"\b(in all|in total|total(led)?|combined|altogether|all together|add(ed)? (up|together)|sum of|"
    r"how (many|much) (more|fewer|higher|lower|larger|smaller|less)\b.*\bthan (in|on|during|at|for) |"
    r"difference between (the )?(numbers?|figures?|counts?|totals?|amounts?)|"
    r"(numerical|arithmetic) difference|plus|minus|together|counting both|both (parties|sides|years)|"
    r"(,|;) and (what|how|to what|which|who|when|where|by how)|and how many)\b", _I)
_COMPARISON = re.compile(
    r"\b(compare|compared|comparison|contrast|differ|differs|differences?|distinguish|versus|vs\.?|"
    r"(how|in what way) (is|are|does|do) .+ (different|similar)|same as|unlike|both .+ and .+ (say|agree|describe|view)|"
    r"(which|who) (is|was|are|were) (more|less|better|worse|larger|smaller)|(do|did|does) (the )?(sources|documents|articles|authors) (agree|disagree))\b", _I)
_EXPLANATION = re.compile(
    r"^\s*(why|for what reason|what (caused|causes|led to|leads to|explains|drives|drove|is the reason|was the reason|are the reasons|were the reasons)|"
    r"how (does|do|did|is|are|was|were|has|have|had|could|can|would|will) (?!i\b|we\b|you\b|one\b)\w+)\b|"
    r"^\s*explain\b|\bwhat is the purpose of\b", _I)
_YES_NO = re.compile(r"^\s*(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|shall|may|might|must|isn't|aren't|wasn't|doesn't|didn't)\b", _I)
_CHOICE = re.compile(r"\b(or|whether)\b", _I)
_OPINION = re.compile(
    r"\b(recommend(s|ed|ation|ations)?|suggest(s|ed)?|propose(s|d)?|advocate(s|d)?|urge(s|d)?|argue(s|d)?|opinion|view(s)? (of|on)|"
    r"(think|thinks|believe|believes|feel|feels) (about|of|that|should)|stance|position on|perspective|what should .+ do|call(s|ed)? for)\b", _I)
_LIST = re.compile(
    r"^\s*(list|name|enumerate|identify|give (me )?(a list|examples|some examples))\b|"
    r"^\s*(what|which) (are|were) the (two|three|four|five|six|seven|several|various|\d+) \w+|"
    r"^\s*(what|which) (are|were) (the |some |all )?(\w+[- ]){0,3}(ways|steps|actions|measures|reasons|options|types|kinds|examples|"
    r"factors|effects|consequences|methods|commands|features|sources|countries|people|members|chemicals|substances|risks|problems|"
    r"benefits|causes|components|parts|requirements|rules|items|names|tools|policies|things|points|categories|properties|fields|values)\b|"
    r"\bwhat (\w+ ){0,2}(\w+s) (has|have|did|does|do) .+ (taken|done|made|used|imposed|listed|named|mentioned|included|provide|support)\b|"
    r"\b(what|which) (other )?(\w+ )?(actions|measures|steps|ways|chemicals|countries|senators|members|commands|options|people|sources|methods|tools|agencies|companies|groups)\b", _I)
_WHICH_PLURAL = re.compile(r"^\s*(which|what) (?!is\b|was\b|does\b|did\b)(\w+[- ])?(\w{3,}(?<!ss)(?<!us)(?<!is)s)\s+(\w+)\b", _I)
_NOT_PLURAL = {"has", "does", "is", "was", "this", "its", "his", "us", "news", "series", "analysis", "basis", "process", "status", "address", "access", "class",
               "happens", "means", "remains", "becomes", "gets", "goes"}  # verbs: "What happens if ..." asks one thing

_DOC_NOUNS = r"(article|piece|documentation|docs|op-?ed|opinion piece|editorial|essay|post|blog post|blog|report|document|page|manual|man page|guide|faq|tutorial|chapter|section|letter|paper|story|interview|book|handbook|readme|file|text)"
_NAMED_DOC = re.compile(rf"\b(the|this|that) ((?:[\w'’-]+[- ]){{0,3}}?){_DOC_NOUNS}\b", _I)
_NAMED_TAIL = re.compile(
    r"^\s+(about|on|titled|called|named|from|by|describing|discussing|covering|regarding)\s+(.+?)"
    r"(?=[?.,;]|\s+(and the|and how|and what|say|says|said|argue|argues|recommend|recommends|claim|claims|describe|describes|state|states|"
    r"mention|mentions|give|gives|report|reports|list|lists|explain|explains|see|sees|view|views)\b|$)", _I)
_QUOTED = re.compile(r"(?:(?<=\s)|^)['‘\"“]([^\"”’]{8,}?)['’\"”](?=[\s.,;:?!]|$)")
_EVERYTHING = re.compile(r"\b(the|all( the)?|these|my|our) (documents|sources|articles|files|texts|collection|corpus|papers)\b|\beverything\b", _I)


@dataclass(frozen=True)
class QuestionKind:
    """The kind of a question, and for a summary what it is of."""

    kind: Kind  # one of KINDS
    scope: Scope = "topic"  # summaries: of one document the question names, of a topic, or of everything indexed
    document_hint: str = ""  # the words naming a document ('the article about Biden's meeting with Xi' -> that phrase); '' when none
    document_hints: tuple[str, ...] = ()  # every document the question names (a comparison may name two)


def named_documents(question: str) -> list[str]:
    """Every phrase naming a document in the question ('the opinion piece', 'the article about X', 'the FAQ', a quoted
    title), in order."""
    found = []
    for m in _NAMED_DOC.finditer(question):
        phrase = m.group(0)
        tail = _NAMED_TAIL.match(question[m.end():])
        if tail:
            phrase += tail.group(0)
        quoted = _QUOTED.match(question[m.end():].lstrip())
        if quoted:
            phrase += " " + quoted.group(0)
        if re.fullmatch(r"(?i)(the|this|that) (documentation|docs)", phrase.strip()):
            continue  # 'the documentation' alone is the whole collection, not one document ('the git tag documentation' is)
        found.append(re.sub(r"\s+", " ", phrase).strip())
    for m in _QUOTED.finditer(question):
        if not any(m.group(1) in f for f in found):
            found.append(m.group(1))
    return found


def named_document(question: str) -> str:
    """The first phrase naming a document in the question; '' if none."""
    found = named_documents(question)
    return found[0] if found else ""


_ASKS_A_SET = re.compile(r"^\s*what (is|are) (not |never )?(allowed|disallowed|forbidden|prohibited|permitted|required|supported|included|available)\b", _I)
_WHICH_NOUNS = re.compile(r"^\s*(?:(?:from|for|in|on|at|to|with|by|of|under|through) )?(which|what) ((?:[\w-]+ ){0,2}?)([\w-]{3,})\s+(\w+)", _I)
_VERBS_AFTER = {"does", "do", "did", "can", "could", "should", "would", "will", "must", "may", "are", "were", "have", "has", "is", "was"}


def _is_list(question: str) -> bool:
    """Does the question ask for several things?  'List ...', 'What are the ways ...', 'Which senators ...',
    'From which places does Git read ...', 'Which modes does git reset support?', 'What is disallowed in ...'."""
    if _LIST.search(question) or _ASKS_A_SET.match(question):
        return True
    m = _WHICH_PLURAL.match(question)
    if m and m.group(3).lower() not in _NOT_PLURAL:
        return True
    m = _WHICH_NOUNS.match(question)  # 'which <adjective>? <plural noun> <verb>'
    if m and m.group(4).lower() in _VERBS_AFTER:
        noun = m.group(3).lower()
        return noun.endswith("s") and not noun.endswith(("ss", "us", "is")) and noun not in _NOT_PLURAL
    return False


def classify(question: str) -> QuestionKind:
    """The question's kind, by rules checked from the most specific to the most general."""
    q = question.strip()
    hints = tuple(named_documents(q))
    hint = hints[0] if hints else ""
    if _SUMMARY.search(q):
        specific = [h for h in hints if is_specific(h)]
        if specific:
            scope: Scope = "document"
        else:
            scope = "everything" if _EVERYTHING.search(q) and not _topic_words(q) else "topic"
        return QuestionKind("summary", scope, specific[0] if specific else hint, tuple(specific) or hints)
    reasoning = reasoning_kind(q)
    if reasoning == "multi_step" or (reasoning and not _HOWTO.search(q)):
        return QuestionKind(reasoning, "topic", hint, hints)
    if _HOWTO.search(q):
        return QuestionKind("howto", "topic", hint, hints)
    if _MULTI.search(q) and re.search(r"\b(how (many|much)|what (is|was) the (total|sum|difference|number|combined)|total|in all|combined|altogether|(,|;) and (what|how|to what|by how))\b", q, _I):
        return QuestionKind("multi_step", "topic", hint, hints)
    if _COMPARISON.search(q):
        return QuestionKind("comparison", "topic", hint, hints)
    if _EXPLANATION.search(q):
        return QuestionKind("explanation", "topic", hint, hints)
    if _YES_NO.match(q) and not re.search(r"\bor\b", q, _I):
        return QuestionKind("yes_no", "topic", hint, hints)
    if _is_list(q):
        return QuestionKind("list", "topic", hint, hints)
    if _OPINION.search(q) or _VIEW.search(q):
        return QuestionKind("opinion", "topic", hint, hints)
    return QuestionKind("lookup", "topic", hint, hints)


# Multi-step, comparison and opinion cues beyond the keyword lists above (session 6).
_QWORD = r"(?:what|which|who|whom|where|when|why|how|is|are|was|were|does|do|did|can|could|should|will|would)"
#: two questions joined: 'Which command lists worktrees, and which one deletes one?'; 'A by default and which for B?'
_JOINED = re.compile(rf"\b{_QWORD}\b[^?]+?(?:,|;)\s*(?:and|but)\s+(?:then\s+)?{_QWORD}\b.+|^\s*(?:which|what|who|where|when|how)\b.+?\s+and\s+(?:which|what|who|where|when|how)\s+(?:one\s+)?(?:for|in|on|with|to|does|do|is|are)\b", _I)
#: a scenario to reason from, then the question: 'If a command is killed by signal 9, what ...?'; 'I stashed twice. What ...?'
_SCENARIO = re.compile(rf"^\s*(?:if|suppose|supposing|assuming|given that|say)\b[^?]+,\s*{_QWORD}\b|^\s*for (?:a|an)\s+[^?,]+?\bwith\b[^?]+,\s*{_QWORD}\b|"
                       rf"^\s*(?:i|we)\s+[^.?!]+\.\s+{_QWORD}\b", _I)
#: a change between two periods, or a ratio: 'By how many did deaths fall from 2022 to 2024?', 'how many times more'
_CHANGE = re.compile(r"\b(?:by how (?:many|much)|how (?:many|much) (?:more|fewer|less|higher|lower)|how many times (?:more|as|higher|larger)|what (?:is|was) the ratio)\b", _I)
_PERIOD = re.compile(r"\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
#: two things set side by side: 'How do a merge and a rebase treat ...?', 'How do the while and until loops differ?'
_TWO_THINGS = re.compile(r"^\s*how (?:do|does|did|would|will) (?:the |a |an )?[\w'’${}\[\]@*-]+(?: [\w'’-]+)? and (?:the |a |an )?[\w'’-]+(?: [\w'’-]+)? "
                         r"(?:treat|handle|deal with|behave|work|act|respond|react|view|see|approach|define|store|use|compare|differ)\b", _I)
#: what a named source thinks, advises or warns: 'What does Ryan Hass warn ...?', 'Where does the FAQ say X should ...?'
_VIEW = re.compile(r"(?i:^\s*(?:what|how|where|when|which|why) (?:does|do|did) .{1,60}? (?:think|thinks|believe|feel|warn|advise|caution|predict|consider|make of|propose|urge|argue|recommend|suggest)\b)|"
                   r"(?i:\b(?:say|says|said|claim|claims|state|states)\b[^?]{0,50}\b(?:should|must|ought to|had better)\b)|"
                   r"^\s*(?i:according to) (?!the\b)(?:[A-Z][\w'’.-]+ ){1,3}?[A-Z][\w'’-]+,\s*(?i:what|how|which|why)\b|"
                   r"(?i:^\s*according to [^,?]+,\s*(?:what|how|which|who) (?:should|must|ought)\b)")


def reasoning_kind(question: str) -> str | None:
    """'multi_step' for two questions joined, a scenario to reason from, or a change between two periods;
    'comparison' for two things set side by side ('How do a merge and a rebase treat ...'); else None (the other
    rules decide)."""
    if _JOINED.search(question) or _SCENARIO.search(question):
        return "multi_step"
    if _CHANGE.search(question) and len(set(_PERIOD.findall(question))) >= 2:
        return "multi_step"
    if _TWO_THINGS.search(question):
        return "comparison"
    return None


def _topic_words(question: str) -> list[str]:
    """Content words of a summary request beyond 'summarize the documents' (a topic, when there is one)."""
    from qa.lexical import stems

    generic = set(stems("summarize summary overview give main key points ideas documents sources articles collection everything say said what all these corpus files texts brief short please provide"))
    return [s for s in stems(question) if s not in generic]


_GENERIC_DOCUMENT = re.compile(r"^(the|this|that) (whole |entire )?(manual|documentation|docs|documents?|texts?|books?|handbook|guide|files?|collection|corpus|sources?)$", _I)


def is_specific(hint: str) -> bool:
    """Does a phrase name one document ('the FAQ', 'the Restricted Shell section', 'the article about X') rather
    than the whole collection ('the manual', 'the documentation')?"""
    return bool(hint) and not _GENERIC_DOCUMENT.match(hint.strip()) and not _EVERYTHING.fullmatch(hint.strip())


def names_a_document(question: str) -> bool:
    """Does the question name one particular document (see is_specific)?"""
    return any(is_specific(h) for h in named_documents(question))


_SOURCE_WORDS = r"(documents?|documentation|docs|sources?|articles?|texts?|manual|guide|faq)"


def summary_topic(question: str) -> str:
    """A summary request with its request words removed: 'Summarize what the documents say about X' -> 'X'; 'the
    manual's section on coprocesses' -> 'coprocesses'; 'the FAQ's advice about credentials' -> 'credentials'."""
    q = re.sub(r"^\s*(please\s+)?(summari[sz]e|sum up|give (me )?(a |an )?(short |brief )?(summary|overview) of|provide (a |an )?(summary|overview) of|overview of)\s*", "", question, flags=_I)
    q = re.sub(rf"^(what|how) (the )?{_SOURCE_WORDS} (say|says|said|write|writes|report|reports|tell|tells) (us )?(about|on)\s*", "", q, flags=_I)
    q = re.sub(rf"^the {_SOURCE_WORDS}(['’]s?)? (section|chapter|part|page|advice|guidance|recommendations?|explanation|description|account|take|view)s? (about|on|of|regarding|for)\s+", "", q, flags=_I)
    q = re.sub(r"^how (?:do |does |did )?(.+?) (?:work|works|worked|function|functions|operate|operates)$", r"\1", q.strip(" ?."), flags=_I)
    return q.strip(" ?.") or question


def summary_focus(question: str, hint: str) -> str:
    """What a summary of a named document should be about when the question narrows it ('the FAQ's advice about
    credentials' -> 'credentials'); '' when it asks for the whole document."""
    topic = summary_topic(question)
    if hint and hint.lower() in topic.lower():
        at = topic.lower().index(hint.lower())
        topic = (topic[:at] + topic[at + len(hint):]).strip(" ?.,")
        topic = re.sub(r"^(['’]s?\s+)?(section|chapter|part|page|advice|guidance|recommendations?|explanation|description|account|take|view)?\s*(about|on|of|regarding|for)\s+", "", topic, flags=_I)
    words = [w for w in _topic_words(topic) if w not in {"manual", "page", "section", "blog", "post", "articl", "piec", "opinion", "faq"}]
    return topic if words and topic.lower() != hint.lower() else ""


def without_named_phrases(question: str) -> str:
    """The question without the phrases naming documents ('Which experts are quoted in the CNN article about X?' ->
    'Which experts are quoted in ?'): a name there identifies a document, the text need not hold it."""
    for phrase in named_documents(question):
        question = question.replace(phrase, " ")
    return re.sub(r"\s+", " ", question).strip()
