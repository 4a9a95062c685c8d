"""Generators that write with a chat model behind an OpenAI-compatible API, through LangChain's ChatOpenAI.

``openai`` talks to any endpoint the settings name (OpenAI, Ollama, vLLM, a llama.cpp server); ``local`` is the
same code path pointed at the packaged model served on loopback by qa.local_llm.  Before the model is called,
the evidence is weighed (the extractive scorer); too weak, and the answer is declined without asking the model.
The model sees only the best few sentences of the passages, numbered as the passages are, quoted as data.
It writes only for the question kinds it is set to (``kinds``, qa.llm_kinds): for the others the extractive
scorer's draft is the answer and the model is not called. Each kind has its own token budget and stop strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from qa.errors import GeneratorError
from qa.extractive import ExtractiveGenerator
from qa.generation import Draft, Generator
from qa.llm_kinds import budget
from qa.prompts import render
from qa.question_kinds import classify
from qa.types import NOT_FOUND, Passage


class ChatGenerator(Generator):
    """Answers with a chat model; streams its tokens."""

    def __init__(self, name: str, base_url: str | None, model: str, api_key: str | None, scorer: ExtractiveGenerator, *,
                 timeout: float = 120.0, max_tokens: int = 200, sentences: int = 6, kinds: frozenset[str] | None = None):
        self.name = name
        self.base_url, self.model, self._api_key = base_url, model, api_key
        self.scorer = scorer
        self.timeout, self.max_tokens, self.sentences = timeout, max_tokens, sentences
        self.kinds = kinds  # question kinds the model writes for; None: every kind
        self._draft: tuple[tuple, Draft] | None = None  # the scorer's last draft, kept for the same question and passages

    def writes(self, kind: str) -> bool:
        """Whether the model writes the answer for this kind of question (else the extractive draft is the answer)."""
        return self.kinds is None or kind in self.kinds

    def extractive_draft(self, question: str, passages: Sequence[Passage]) -> Draft:
        """The extractive scorer's checked-evidence draft; made once per question and passages (qa.api shows it
        first, and the prompt is built from the evidence it selected)."""
        key = (question, tuple((p.chunk_id, p.text) for p in passages))
        if self._draft is None or self._draft[0] != key:
            self._draft = (key, self.scorer.generate(question, passages))
        return self._draft[1]

    def chat_model(self, max_tokens: int | None = None, stop: Sequence[str] = ()):
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(base_url=self.base_url, model=self.model, api_key=self._api_key or "none", temperature=0,
                          max_tokens=max_tokens or self.max_tokens, timeout=self.timeout, max_retries=1, streaming=True,
                          stop=list(stop) or None)

    def prompt(self, question: str, passages: Sequence[Passage]) -> str | None:
        """The filled answer prompt for the question's kind, or None when the evidence is too weak to ask the model.

        The model sees compressed evidence: the sentences and blocks the extractive generator selected for this kind
        of question (a lookup's best few, a summary's points, a list's items, each source's best for a comparison),
        grouped by the passage they come from, not whole chunks: the prompt stays short."""
        kind = classify(question).kind
        draft = self.extractive_draft(question, passages)
        if draft.declined or not draft.text.strip():
            return None
        evidence = selected_evidence(draft.text)
        if kind == "lookup":  # a look-up: a few more of the best sentences, in case the first ones miss the point
            for s in self.scorer.score_sentences(question, passages)[: self.sentences]:
                if s.text not in evidence.get(s.passage, []):
                    evidence.setdefault(s.passage, []).append(s.text)
        blocks = []
        for n in sorted(n for n in evidence if 1 <= n <= len(passages)):  # a passage's own text may hold "[7]": no marker of ours
            p = passages[n - 1]
            body = _quoted("\n".join(evidence[n]))
            blocks.append(f'<passage number="{n}" title="{_attr(p.title)}">\n{body}\n</passage>')
        return render(prompt_name(kind), passages="\n".join(blocks), question=question)

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str | Draft]:
        kind = classify(question).kind
        if not self.writes(kind):  # a kind the model does not improve: the extractive draft, without calling it
            draft = self.extractive_draft(question, passages)
            if draft.text:
                yield draft.text
            yield draft
            return
        text = self.prompt(question, passages)
        if text is None:
            yield Draft(text="", declined=True)
            return
        pieces: list[str] = []
        limits = budget(kind, self.max_tokens)
        try:
            for chunk in self.chat_model(limits.max_tokens, limits.stop).stream([("human", text)]):
                if chunk.content:
                    pieces.append(chunk.content)
                    yield chunk.content
        except Exception as exc:
            raise GeneratorError(self.describe_failure(exc)) from None
        answer = passage_markers("".join(pieces).strip())
        yield Draft(text=answer, declined=not answer or NOT_FOUND.rstrip(".") in answer)

    def generate(self, question: str, passages: Sequence[Passage]) -> Draft:
        draft = Draft(text="", declined=True)
        for piece in self.stream(question, passages):
            if isinstance(piece, Draft):
                draft = piece
        return draft

    def complete(self, prompt: str, max_tokens: int = 60) -> str:
        """One short completion (e.g. rewriting a follow-up question)."""
        try:
            return str(self.chat_model(max_tokens).invoke([("human", prompt)]).content).strip()
        except Exception as exc:
            raise GeneratorError(self.describe_failure(exc)) from None

    def describe_failure(self, exc: Exception) -> str:
        """What went wrong, with the key (if any) scrubbed from the message."""
        message = f"{type(exc).__name__}: {exc}"
        if self._api_key:
            message = message.replace(self._api_key, "***")
        kind = type(exc).__name__
        if "Timeout" in kind:
            hint = f"no answer within {self.timeout:.0f} s (QA_LLM_TIMEOUT)"
        elif "Authentication" in kind or "PermissionDenied" in kind:
            hint = "the endpoint rejected the key (QA_LLM_API_KEY)"
        elif "Connection" in kind:
            hint = f"cannot reach {self.base_url} (QA_LLM_BASE_URL)"
        else:
            hint = "the request failed"
        return f"The {self.name} generator failed: {hint}. ({message[:300]})"


def prompt_name(kind: str) -> str:
    """prompts/answer_<kind>.md when the kind has its own instructions, else prompts/answer.md."""
    from qa.prompts import PROMPTS_DIR

    return f"answer_{kind}" if (PROMPTS_DIR / f"answer_{kind}.md").exists() else "answer"


def selected_evidence(draft_text: str) -> dict[int, list[str]]:
    """Passage number -> the sentences and blocks an extractive draft quotes from it, in the draft's order."""
    from qa.citations import MARKER
    from qa.verification import split_claims, split_lines

    found: dict[int, list[str]] = {}
    for prefix, body, kind in split_lines(draft_text):
        if kind == "sum":
            continue
        if kind == "code":
            numbers = [int(n) for n in MARKER.findall(draft_text[draft_text.find(body) + len(body):][:12])] or []
            for n in numbers[:1]:
                found.setdefault(n, []).append(body)
            continue
        for claim in split_claims(body):
            for n in claim.cited:
                if claim.text and claim.text not in found.get(n, []):
                    found.setdefault(n, []).append(claim.text)
    return found


_SPELLED_MARKER = re.compile(r"[\[(]\s*(?:passage|source)\s+(\d{1,3})\s*[\])]", re.I)


def passage_markers(text: str) -> str:
    """The model's "[Passage 2]" or "(passage 2)" written as the marker "[2]" that the citation check reads."""
    return _SPELLED_MARKER.sub(r"[\1]", text)


def _attr(text: str) -> str:
    return text.replace('"', "'").replace("<", "(").replace(">", ")")


def _quoted(text: str) -> str:
    """Passage text as data: no tag or chat-template token inside it can close the <passage> block or open a turn."""
    return text.replace("<", "\u2039").replace(">", "\u203a")
