"""Follow-up questions: rewrite "and in 2024?" into a question that stands alone, and check the rewrite.

With a chat model the rewrite comes from prompts/condense.md; without one (or when the model's rewrite fails the
check) a rule does it: the previous question with the follow-up's figures and names put in place of its own.
A rewrite is accepted only if it keeps every content word of the follow-up and adds nothing that is in neither
the follow-up nor the conversation, so a bad rewrite cannot silently send retrieval to the wrong sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.lexical import STOPWORDS, stems

History = Sequence[tuple[str, str]]
_ELLIPTIC = re.compile(r"^\s*(and|but|or|what about|how about|also|then|so)\b|\b(it|its|they|them|their|that|this|those|these|he|she|his|her)\b|"
                       r"\b(in return|instead|in response|as well)\b", re.I)
_OWN_QUESTION = re.compile(r"^\s*(what|why|how|who|whom|whose|when|where|which|did|does|do|is|are|was|were|can|could)\b", re.I)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def needs_context(question: str, history: History) -> bool:
    """A follow-up that leans on the conversation: a pronoun, an opening 'and …', or too few words of its own."""
    if not history:
        return False
    if _ELLIPTIC.search(question):
        return True
    names = re.findall(r"(?<!^)(?<![.?!] )\b[A-Z][\w-]+", question.strip())
    return len(stems(question)) < 3 and not names


def rule_rewrite(question: str, history: History) -> str:
    """The follow-up with its pronouns replaced by what the last question was about ("What does she say …?" after
    "Who is Vanda Felbab-Brown?" -> "What does Vanda Felbab-Brown say …?"; "And an associative one?" after "How do I
    declare an indexed array?" -> "How do I declare an associative array?"); failing that, the last user question
    with the follow-up's years swapped in and its other words added, or a follow-up that asks something of its own
    ("Why did they?") kept in front of it."""
    previous = history[-1][0].strip().rstrip("?")
    condition = _WHAT_IF.match(question.strip())
    if condition:  # 'And what if it is not fully merged?': the last question, asked under that condition
        return f"{previous} if {condition.group(1).strip().rstrip('?').strip()}?"
    resolved = resolve_references(question, previous, history[-1][1])
    if resolved:
        return resolved
    new_years = _YEAR.findall(question)
    rewritten = previous
    if new_years and _YEAR.search(previous):
        for old, new in zip(_YEAR.findall(previous), new_years):
            rewritten = rewritten.replace(old, new, 1)
    if _OWN_QUESTION.match(question) and not re.match(r"\s*(what|how) about\b", question, re.I):
        return f"{question.strip().rstrip('?')}: {rewritten}?"
    extra = [w for w in _own_words(question) if w.lower() not in rewritten.lower()]
    return (rewritten + (" " + " ".join(extra) if extra else "")).strip() + "?"


_WHAT_IF = re.compile(r"^\s*(?:and|but|so)?\s*(?:what|how about|and) if\s+(.+)$", re.I)
_ASKS = r"(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|should)\b"
_JOINED_QUESTION = re.compile(rf"^(?P<own>{_ASKS}[^:]*?\w)\s*:\s+{_ASKS}.*\?$", re.I | re.S)


def asker_part(question: str) -> str:
    """The follow-up's own question in a rewrite that joined it to the last one (rule_rewrite: 'What did Washington
    agree to in return: What did China announce on Nov. 10?'); the whole question otherwise.  The last question's
    words are context, not the focus that must be where the answer is (qa.declining)."""
    joined = _JOINED_QUESTION.match(question.strip())
    return joined.group("own") + "?" if joined else question


_PERSONAL = re.compile(r"\b(she|he|her|him|his)\b", re.I)
_THING = re.compile(r"\b(it|its|they|them|their)\b(?!\s+(is|was)\s+(said|reported|noted|estimated)\b)", re.I)
_DEMONSTRATIVE = re.compile(r"\b(that|this|the same) (file|option|command|directory|folder|variable|setting|path|flag)\b", re.I)
_CODE_TERM = re.compile(r"(?<!\S)(?:~?/[\w./-]+|\.[\w.-]+rc\b|--?[a-zA-Z][\w-]*|[\w-]+\.(?:conf|cfg|ini|json|toml|yaml|yml|txt|sh|py))")
_LEAD = re.compile(r"^\s*(and|but|so|also|then|or)\s+", re.I)
_SUBJECT = (  # what a question is about, by its shape
    re.compile(r"^(?:who|what)\s+(?:is|are|was|were)\s+(?P<x>.+)$", re.I),  # 'Who is Vanda Felbab-Brown' / 'What is a lightweight tag'
    re.compile(r"^(?:what|how)\s+(?:does|do|did)\s+(?P<x>.+?)\s+(?:do|mean|work|say|return|contain|show)\b", re.I),  # 'What does git stash pop do'
    re.compile(r"^how\s+(?:do|can|should|would|could)\s+(?:i|we|you|one)\s+[a-z]+\s+(?P<x>.+)$", re.I),  # 'How do I start a bisect session'
    re.compile(r"^(?:who)\s+[a-z]+(?:ed)?\s+(?P<x>(?:the|a|an)\s+.+)$", re.I),  # 'Who led the bipartisan letter to Biden about fentanyl'
    re.compile(r"^(?i:what|which|when|where|why|how)(?:\s+\w+)?\s+(?i:does|do|did|can|will|would)\s+"
               r"(?P<x>(?:the\s+|a\s+|an\s+)?(?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*|[\w'’.-]+))\s+[a-z]", 0),  # 'Which file does bash read …' -> 'bash'
)


def subject_of(question: str) -> str:
    """What a question is about, '' when its shape does not say: 'Who is Vanda Felbab-Brown?' -> 'Vanda Felbab-Brown',
    'What does git stash pop do?' -> 'git stash pop', 'How do I start a bisect session?' -> 'a bisect session'."""
    q = question.strip().rstrip("?").strip()
    for pattern in _SUBJECT:
        m = pattern.match(q)
        if m and stems(m.group("x")):
            return m.group("x").strip()
    return ""


def resolve_references(question: str, previous: str, answer: str = "") -> str:
    """The follow-up with 'she'/'it'/'they' replaced by the previous question's subject, 'that file' by the file (or
    option, command) the previous answer named, or 'an associative one' put in place of the subject's modifier;
    '' when none applies (no pronoun, or no subject found)."""
    q = question.strip()
    term = _CODE_TERM.search(_brief(answer)) if answer else None
    if term and _DEMONSTRATIVE.search(q):  # 'How can I stop it from reading that file?' after 'It reads ~/.bashrc'
        q = _DEMONSTRATIVE.sub(term.group(0), q, count=1)
    subject = subject_of(previous)
    if not subject:
        return q if q != question.strip() else ""
    one = re.fullmatch(r"(?:and|but|what about|how about)?\s*((?:an?|the)\s+)?([\w'’-]+)\s+ones?\s*\??", q, re.I)
    if one and len(subject.split()) >= 2 and subject in previous:  # 'And an associative one?': the same question, of it
        head = subject.split()[-1]
        article = one.group(1) or ""
        return previous.replace(subject, f"{article}{one.group(2)} {head}", 1).strip() + "?"
    if (_OWN_QUESTION.match(_LEAD.sub("", q)) and re.search(r"\bone\b(?!\s+of\b)", q, re.I) and not _THING.search(q) and not _PERSONAL.search(q)
            and re.match(r"(?i)(?:the|these|those|my|your|all|a|an)\s", subject)):  # 'one' of a kind of thing, not of 'pushd' (a name)
        plural = re.match(r"(?i)(?:the|these|those|my|your|all)\s", subject) and re.search(r"s\b", subject.split()[0 if len(subject.split()) == 1 else 1])
        thing = f"one of {subject}" if plural else subject  # 'how do I remove one' of 'the notes attached to objects'
        out = re.sub(r"\bone\b(?!\s+of\b)", thing, _LEAD.sub("", q), count=1, flags=re.I)
        return out[0].upper() + out[1:]
    person = _PERSONAL.search(q) and re.search(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+", subject)
    if person:
        name = person.group(0)
        out = re.sub(r"\b(his|her)\b(?=\s+[a-z])", f"{name}'s", q, count=1, flags=re.I) if not re.search(r"\b(she|he)\b", q, re.I) else q
        out = re.sub(r"\b(she|he|him)\b", name, out, count=1, flags=re.I)
    elif _THING.search(q) and not _PERSONAL.search(q):
        thing = subject[0].lower() + subject[1:] if re.match(r"(The|A|An)\s", subject) else subject
        if re.search(r"\b(they|them|their)\b", q, re.I) and re.match(r"(a|an)\s", thing):  # 'they' of 'a lightweight tag'
            thing = re.sub(r"^(a|an)\s+", "", thing) + "s"
        term = re.sub(r"^(?:the|a|an)\s+", "", thing) if re.fullmatch(r"(?:(?:the|a|an)\s+)?[\w-]+[._][\w.-]+", thing) else ""
        owned = re.search(r"\b(its|their)\s+((?:[a-z-]+\s+){0,2}[a-z-]+)\b", q, re.I) if term else None
        if owned:  # 'What is its default value?' of 'gc.auto' -> 'What is the default value of gc.auto?'
            out = q[: owned.start()] + f"the {owned.group(2)} of {term}" + q[owned.end():]
        else:
            out = _THING.sub(lambda m: thing + ("'s" if m.group(1).lower() in ("its", "their") else ""), q, count=1)
        out = re.sub(r"\b(\w+) ones\b", lambda m: f"{m.group(1)} {thing.split()[-1].rstrip('s')}s", out, count=1)  # 'compared with annotated ones'
    else:
        return ""
    out = _LEAD.sub("", out, count=1)
    return out[0].upper() + out[1:]


def _own_words(question: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’,.%-]+", question) if w.lower().strip(".,") not in STOPWORDS and w.lower() not in ("and", "about", "also", "then", "so")]


def rewrite_is_sound(rewrite: str, question: str, history: History) -> bool:
    """Keeps the follow-up's content words, and adds none that the conversation does not contain."""
    mine, theirs = set(stems(rewrite)), set(stems(question))
    if not rewrite.strip() or not theirs <= mine:
        return False
    known = theirs | {s for user, assistant in history for s in stems(user + " " + assistant)}
    return mine <= known


def standalone_question(question: str, history: History | None, model: Callable[[str], str] | None = None) -> str:
    """The question to retrieve with: unchanged when it stands alone, else a checked rewrite."""
    if not history or not needs_context(question, history):
        return question
    if model is not None:
        from qa.prompts import render

        convo = "\n".join(f"User: {u}\nAssistant: {_brief(a)}" for u, a in history[-3:])
        try:
            candidate = model(render("condense", history=convo, question=question)).splitlines()[0].strip()
        except Exception:  # the model is down: the rule still works
            candidate = ""
        if rewrite_is_sound(candidate, question, history):
            return candidate
    return rule_rewrite(question, history)


def _brief(answer: str, limit: int = 300) -> str:
    answer = re.sub(r"\s*\[\d+\]", "", answer)
    return answer if len(answer) <= limit else answer[:limit].rsplit(" ", 1)[0] + " …"
