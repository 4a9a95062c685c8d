"""The extractive generator: answers with the retrieved sentences that best answer the question, each cited.

No language model: sentences of the passages are scored by meaning (the embedding model), by the question's
content words they contain, and by whether they hold the kind of answer asked for (a figure for 'how many', a
year for 'when').  Below a threshold it declines rather than guess."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from qa.chunking import sentence_spans
from qa.embedding import Embedder
from qa.generation import Draft, Generator
from qa.lexical import numbers, stems
from qa.acronyms import acronyms_in, question_acronyms, with_expansions
from qa.formulas import asks_total, formula_line, parts_total_line
from qa.term_match import names_term, term_fit
from qa.compose_yes_no import compose_yes_no
from qa.composers import (centroid, compose_comparison, compose_overview, compose_explanation, compose_howto, compose_list, compose_multi_step,
                          compose_summary)
from qa.compose_parts import compose_parts, shows_asked_example
from qa.compose_reasoning import compose_documents, compose_sides, names_what_is_read
from qa.compose_reasoning import compose_opinion as compose_source_opinion
from qa.compose_howto import with_code_scores
from qa.compose_people import asks_for_speakers, quoted_people
from qa.evidence import MAX_LEAD_DOCUMENTS
from qa.compose_summary import compose_document_summary, summary_target
from qa.question_kinds import QuestionKind, classify, names_a_document, summary_focus, summary_topic, without_named_phrases
from qa.question_parts import compared_things, question_parts, source_person, without_document_names, without_hypothesis_figures, without_total_clause
from qa.speakers import quotes_person
from qa.sentence_context import (definition_term, lookup_candidates, names_a_thing, own_page_first, quoted_lookup, refers_back, sentence_before,
                                 without_opposites)
from qa.sentence_roles import cross_encoder_judge
from qa.declining import answer_misses_focus, compares_unquoted, focus_is_absent
from qa.types import Passage
from qa.reversal import reverses
from qa.sentence_scoring import (_ASKS_FIGURE, _ASKS_SHARE, _GIVES_SHARE, _NUMBER_WORD, ScoredSentence, answer_type_fit, asked_focus, figures,  # noqa: F401
                                 focus_fit, period_fit, sentence_score, similar_words, term_overlap, with_marker)

BROAD_KINDS = ("summary", "list", "comparison", "howto", "explanation", "opinion", "yes_no")
_COMMON_CAPITALS = {"the", "what", "which", "how", "why", "who", "when", "where", "compare", "list", "summarize", "does", "did"}  # kinds whose answer gathers from several passages
DESCRIPTION_MARGIN = 0.15  # a look-up quotes a second sentence of the named option's description this far below the best
PARAPHRASE_DENSE = 0.62  # a sentence this close in meaning answers even when the question's words are not in it

_NEGATION = re.compile(r"\b(not|never|no|none|neither|nor|n't)\b|n't\b", re.I)  # not 'without': 'run without a mode' asks what happens then
_MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}


class ExtractiveGenerator(Generator):
    """Quotes the best-supported sentences; declines when none is good enough."""

    name = "extractive"

    def __init__(self, embedder: Embedder, min_score: float = 0.45, max_sentences: int = 2, *,
                 term_weight: Callable[[str], float] | None = None, min_coverage: float = 0.0):
        self.embedder = embedder
        self.min_score = min_score
        self.max_sentences = max_sentences
        self.term_weight = term_weight  # rarity of a word in the collection (BM25 idf); None: all words alike
        self.min_coverage = min_coverage  # weighted share of the question's words the answering passage must hold

    def score_sentences(self, question: str, passages: Sequence[Passage], in_context: bool = False) -> list[ScoredSentence]:
        """Every sentence of the passages, best first; ``in_context`` (a look-up, a yes/no): a sentence under a definition term
        also read with the term's words, and one that refers back told the sentence it refers to (quoted with it; read
        after it, such sentences drew unanswerable questions over the threshold)."""
        found: list[ScoredSentence] = []
        for n, p in enumerate(passages, start=1):
            asked = ""  # a question just read in the passage (a FAQ's): the sentence after it answers it
            for span in sentence_spans(p.text, offset=p.start, whole=p.code_spans or ()):
                text = p.text[span.start - p.start : span.end - p.start]
                if "\n" in text.strip() and any(s <= span.start and span.end <= e for s, e in p.code_spans or ()):
                    continue  # a code block of several lines is no sentence: how-tos quote it whole, fenced
                heading = p.heading.rsplit(" › ", 1)[-1]  # a section's heading names a subject, it answers nothing
                if text.rstrip("\"'”’ ").endswith("?"):  # nor does a question
                    asked = text.strip()
                    continue
                if len(text) >= 20 and text not in p.title and text not in heading:  # nor a piece of it ('3.' + 'Running …')
                    s = ScoredSentence(n, span.start, span.end, text, 0.0, context=asked)
                    if in_context:
                        s.term = definition_term(s, passages)  # 'If <mode> is omitted, ...' is about 'git reset [<mode>] [<commit>]'
                        s.leans_on = sentence_before(p, span.start) if refers_back(text) and not names_a_thing(s.term) else None
                    found.append(s)
                asked = ""
        if not found:
            return []
        asked = [s for s in found if s.context]  # read both alone and with the question before it (a FAQ's, or a rhetorical one)
        vectors = self.embedder.embed_batch([question] + [s.text for s in found] + [f"{s.context} {s.text}" for s in asked])
        q, rest = vectors[0], vectors[1:]
        with_question = {id(s): v for s, v in zip(asked, rest[len(found):])}
        q_stems = stems(question)
        focus = asked_focus(question) if in_context else []  # a look-up's 'X when Y': X is what is asked
        for s, v in zip(found, rest):
            dense = sum(a * b for a, b in zip(q, v))
            overlap = term_overlap(q_stems, f"{s.term} {s.text}" if s.term else s.text, self.term_weight)
            if id(s) in with_question:
                dense = max(dense, sum(a * b for a, b in zip(q, with_question[id(s)])))
                overlap = max(overlap, term_overlap(q_stems, f"{s.context} {s.text}", self.term_weight))
            s.dense, s.vector = dense, list(v)
            s.score = sentence_score(question, s.text, dense, overlap) + term_fit(question, s, passages) + focus_fit(focus, s.text, self.term_weight)  # '-n' asked: its description
        return sorted(found, key=lambda s: -s.score)

    def score_texts(self, question: str, texts: Sequence[str]) -> list[float]:
        """Texts scored against the question as sentences are (meaning, the question's words, the kind of answer)."""
        if not texts:
            return []
        vectors = self.embedder.embed_batch([question, *texts])
        q_stems = stems(question)
        return [sentence_score(question, t, sum(a * b for a, b in zip(vectors[0], v)), term_overlap(q_stems, t, self.term_weight))
                for t, v in zip(texts, vectors[1:])]

    def evidence_is_weak(self, question: str, best: ScoredSentence, passages: Sequence[Passage]) -> bool:
        """Decline when the best sentence scores low, when its passage holds none of the figures the question names
        (a year, an amount), or too little of the question's rarer words (a name, a place, a thing)."""
        if best.score < self.min_score:
            return True
        p = passages[best.passage - 1]
        passage = p.text
        asked = numbers(question)
        if asked and not asked & numbers(passage):  # none of the figures asked about (some may be: a partial answer)
            return True
        if _ASKS_FIGURE.search(question) and not (numbers(best.text) - asked or _NUMBER_WORD.search(best.text)):
            return True  # 'What is the maximum number of linked worktrees?' answered by a sentence giving no figure
        if _ASKS_SHARE.search(question) and not _GIVES_SHARE.search(best.text):
            return True  # 'What share of deaths involved ...?' answered by a count of deaths
        if _NEGATION.search(question) and not _NEGATION.search(best.text):
            return True  # "Which city was not ...?" cannot be answered by a sentence that negates nothing
        expansions = acronyms_in([p.text for p in passages], question_acronyms(question))  # 'CDC' held by 'Centers for Disease Control'
        if answer_misses_focus(question, with_expansions(f"{p.title}\n{passage}", expansions), best.text, self.term_weight):
            return True  # the question's rare word is not where the answer is, and the sentence does not say it otherwise
        read = f"{p.title} {p.heading.rsplit(' › ', 1)[0]} {passage}"  # an option's description on 'git-rm(1)': the page names the command
        if term_overlap(stems(question), with_expansions(read, expansions), self.term_weight, parts=True) >= self.min_coverage:
            return False
        return best.dense < PARAPHRASE_DENSE  # words missing, but a sentence says it in other words ('fall'/'plummeted')

    def broad_evidence_is_weak(self, question: str, kind: str, ranked: Sequence[ScoredSentence], passages: Sequence[Passage],
                               kind_scope: str = "topic") -> bool:
        """For the kinds that gather from several passages (summary, list, comparison, explanation, ...): decline only
        when the passages hold nothing on the question; a summary of a document named in it never declines."""
        best = ranked[0]
        expansions = acronyms_in([p.text for p in passages], question_acronyms(question))
        read = with_expansions(" ".join(f"{p.title} {p.heading} {p.text}" for p in passages), expansions)  # a heading names the subject
        if kind == "summary" and kind_scope == "topic" and not names_a_document(question) and self.topic_is_absent(summary_topic(question), read):
            return True  # a rare word of the topic is nowhere in what was read ('the fentanyl crisis in Europe')
        if kind != "summary" and self.name_is_absent(without_named_phrases(question), read):
            return True  # 'Which Chinese companies ... in Europe?': a name the passages never mention
        if self.focus_is_absent(question, kind, kind_scope, ranked, read):
            return True  # 'How does bash's job control compare with zsh's?': zsh is in nothing read
        if kind == "opinion" and quotes_person(source_person(question), [s.text for s in ranked[:8] if s.score >= self.min_score - 0.3]):
            return False  # 'What does Ryan Hass warn could happen?': his quoted words answer, however they are worded
        if kind == "summary":  # of a named document or of everything: there is always something to summarise
            return kind_scope == "topic" and best.score < self.min_score - 0.25
        if kind == "list" and asks_for_speakers(question):  # 'Which experts are quoted ...?': the quoting sentences share no words with it
            if names_a_document(question) and len({p.doc_id for p in passages}) > 1:
                return True  # 'quoted in the blog post', and no one document was found to be it: others' quotes do not answer
            return not quoted_people(ranked, passages)
        if kind == "yes_no":  # the claim's rare words must be there; its verb may be paraphrased ('agree to resume' / 'back on track')
            if self.topic_is_absent(question, read, 0.25):
                return True
            return best.score < self.min_score - 0.1 and best.dense < PARAPHRASE_DENSE
        if best.score < self.min_score - (0.05 if kind == "list" else 0.1):  # a list asks for facts: its best sentence must answer nearly as a look-up's
            return True
        asked = numbers(question)
        if asked and not asked & set().union(*(numbers(p.text) for p in passages)):
            return True
        held = max(term_overlap(stems(question), with_expansions(" ".join(passages[s.passage - 1].text for s in ranked[:3]), expansions), self.term_weight), 0.0)
        return held < self.min_coverage * 0.75 and best.dense < PARAPHRASE_DENSE

    def focus_is_absent(self, question: str, kind: str, kind_scope: str, ranked: Sequence[ScoredSentence], read: str) -> bool:
        """A rare word of the question in nothing read (qa.declining.focus_is_absent)."""
        return focus_is_absent(question, kind, kind_scope, [s.text for s in ranked[:3]], read, self.term_weight)

    def name_is_absent(self, question: str, read: str) -> bool:
        """Is a name of the question (a capitalised word other than the first) nowhere in what was read?"""
        have = set(stems(read)) | set(stems(read.replace("-", " ")))  # 'Felbab-Brown' holds 'Brown'
        names = [w for w in re.findall(r"(?<!^)(?<![.?!] )\b[A-Z][a-z]{2,}\b", question.strip()) if w.lower() not in _COMMON_CAPITALS]
        spelled = read.lower()  # 'Felbab' is held by 'Felbab-Brown', which stems as one word; 'November' by 'Nov. 10'
        return any(stems(w) and stems(w)[0] not in have and not re.search(rf"\b{w.lower()}\b", spelled)
                   and not (w.lower() in _MONTH_NAMES and re.search(rf"\b{w.lower()[:3]}\.? \d", spelled)) for w in names)

    def topic_is_absent(self, topic: str, read: str, share: float = 0.3) -> bool:
        """Do the words of the topic that no passage read holds carry at least ``share`` of its weight (rarity)?"""
        mine = list(dict.fromkeys(stems(topic)))
        if not mine or self.term_weight is None:
            return False
        have = set(stems(read))
        weights = {w: self.term_weight(w) for w in mine}
        total = sum(weights.values()) or 1.0
        return sum(v for w, v in weights.items() if w not in have) / total >= share

    def generate(self, question: str, passages: Sequence[Passage]) -> Draft:
        kind = classify(question)
        if kind.kind in ("opinion", "comparison") and kind.document_hints:  # 'the blame-game opinion piece' says where to read, not what is asked
            question = without_document_names(question, kind.document_hints)
        if kind.kind == "summary":  # rank the sentences against the topic, not against 'summarize ...'
            ranked = self.score_sentences(summary_topic(question) if kind.scope != "everything" else question, passages)
        elif kind.kind == "multi_step" and asks_total(question) and not question_parts(question):  # a count given in parts: find the count
            ranked = self.score_sentences(without_total_clause(question), passages)
        else:
            ranked = self.score_sentences(question, passages, in_context=kind.kind in ("lookup", "yes_no"))
        if kind.kind == "howto" and ranked:  # a lead-in is scored with the command it leads into; not how to undo what is asked
            ranked = with_code_scores(ranked, passages, lambda texts: self.score_texts(question, texts))
            ranked = without_opposites(question, ranked)
        if kind.kind == "lookup":  # one fact asked: a term line states nothing, a sentence affirming what is negated answers another question
            ranked = lookup_candidates(question, ranked, passages)
        if kind.kind == "yes_no":  # the subject's own page speaks of it
            ranked = own_page_first(question, ranked, passages)
        if not ranked:
            return Draft(text="", declined=True)
        if kind.kind in BROAD_KINDS or kind.kind == "multi_step" and (question_parts(question) or asks_total(question)):  # answered from several passages (or parts): declined only when they hold nothing on it
            if not names_what_is_read(kind, passages) and not shows_asked_example(question, passages) and self.broad_evidence_is_weak(without_total_clause(question) if kind.kind == "multi_step" else question, kind.kind, ranked, passages, kind.scope):
                return Draft(text="", declined=True)
        elif self.evidence_is_weak(without_hypothesis_figures(question) if kind.kind == "multi_step" else question, ranked[0], passages):  # one fact asked: declined when it is absent (a scenario's own figures are no fact to find)
            return Draft(text="", declined=True)
        if kind.kind != "lookup":
            text = self.compose(question, kind, ranked, passages)
            if text is None:  # the composer found the question unanswerable (a comparison with something never mentioned)
                return Draft(text="", declined=True)
            if text and kind.kind == "comparison" and self.compares_unquoted(question, text, passages):
                return Draft(text="", declined=True)  # 'China's control compared with India's': nothing quoted on India
            if text:
                return Draft(text=text)
        best = ranked[0]
        rival = self.disagreement(question, ranked, passages)
        if rival is not None:  # two sources give different figures for the same fact: say so, cite both
            text = f"The sources disagree. {with_marker(best.text, best.passage)} {with_marker(rival.text, rival.passage)}"
            return Draft(text=text, quotes={best.passage: (best.text, best.start, best.end), rival.passage: (rival.text, rival.start, rival.end)})
        chosen = [best]
        own_term = names_term(question, best.term)  # the description of the option asked about: its next sentence says more of it
        for s in ranked[1:]:
            margin = DESCRIPTION_MARGIN if own_term and s.term == best.term else 0.08
            if len(chosen) >= self.max_sentences or s.score < max(self.min_score, best.score - DESCRIPTION_MARGIN):
                break
            if s.score < best.score - margin:
                continue
            if s.term != best.term:
                continue  # a description of another option or command (or none) answers about another thing
            if all(similar_words(s.text, c.text) < 0.6 for c in chosen):
                chosen.append(s)
        text, quotes = quoted_lookup(chosen, passages)  # each after the term it describes, with the sentence it refers back to
        return Draft(text=text, quotes=quotes)


    @staticmethod
    def compares_unquoted(question: str, text: str, passages: Sequence[Passage]) -> bool:
        """Does the comparison leave out a name the question compares (qa.declining.compares_unquoted)?"""
        return compares_unquoted(question, text, passages)

    def compose(self, question: str, kind: QuestionKind, ranked: list[ScoredSentence], passages: Sequence[Passage]) -> str | None:
        """The answer text for a kind other than a look-up ('' to answer as a look-up, None to decline)."""
        floor = self.min_score - 0.1
        if kind.kind == "summary":
            ranked = [s for s in ranked if s.text.strip() not in passages[s.passage - 1].title]  # the headline is no point
            vectors = {id(s): s.vector for s in ranked}
            if kind.scope == "everything" and len({p.doc_id for p in passages}) > 1:
                return compose_overview(ranked, passages, vectors, documents=MAX_LEAD_DOCUMENTS)  # one point for each document read
            if kind.scope in ("document", "topic") and len({p.doc_id for p in passages}) == 1 and len(passages) >= 2:  # one document, read whole
                focus = summary_focus(question, kind.document_hint) if kind.scope == "document" else summary_topic(question)
                if kind.scope == "document" and focus:  # 'the FAQ's advice about credentials': what answers the focus, across the document
                    return compose_document_summary(self.score_sentences(focus, passages), passages, None)
                return compose_document_summary(ranked, passages, summary_target(centroid([s.vector for s in ranked]), self.embedder.embed(focus) if focus else None))
            topic_vec = self.embedder.embed(summary_topic(question)) if kind.scope == "topic" else centroid([s.vector for s in ranked])
            if kind.scope == "topic":
                return compose_summary(ranked, vectors, topic_vec, self.min_score - 0.3, topic=summary_topic(question), passages=passages)
            order = sorted(ranked, key=lambda s: (s.passage, s.start))  # a document: its lead sentences weigh a little more
            lead = {id(s): 0.1 * (1 - i / max(1, len(order))) for i, s in enumerate(order)}
            return compose_summary(ranked, vectors, topic_vec, -1.0, points=6, bonus=lead)
        if kind.kind == "list":
            return compose_list(question, ranked, passages, floor)
        if kind.kind == "yes_no":
            return compose_yes_no(question, ranked, reverses, self.term_weight, passages)
        if kind.kind == "explanation":
            return compose_explanation(question, ranked, floor, self.following(ranked, passages))
        if kind.kind == "opinion":
            return compose_source_opinion(question, ranked, passages, floor, named_document=names_what_is_read(kind, passages))
        if kind.kind == "comparison":
            if names_what_is_read(kind, passages):  # two documents named, and read: each under its title
                return compose_documents(ranked, passages, views=bool(re.search(r"\b(see|view|think|say|argue|stance|position|responsib)", question, re.I)))
            sides = compared_things(question) if len(kind.document_hints) < 2 else []
            if sides:  # two things named: each under its name, from the sentences that best answer for it
                return compose_sides(sides, self.rescore([s.query for s in sides], ranked), passages, floor, question=question, judge=cross_encoder_judge())
            return compose_comparison(ranked, passages, floor)
        if kind.kind == "multi_step":
            parts = question_parts(question)
            if parts:  # each part answered by its own sentence
                return compose_parts(question, parts, self.rescore(parts, ranked), floor, passages, judge=cross_encoder_judge())
            for s in (ranked[:3] if asks_total(question) else ()):  # a count one sentence gives in parts ('five Republicans ... two Democrats')
                line = parts_total_line(question, s.text, f"[{s.passage}]") if s.score >= floor else ""
                if line:
                    return f"{with_marker(s.text, s.passage)}\n{line}"
            if re.search(r"\b(in all|total|together|combined|altogether|sum|how (many|much) (more|fewer|less)|difference)\b", question, re.I):
                return compose_multi_step(question, ranked, floor)
            for s in ranked[:3]:  # a scenario to reason from ('If a command is killed by signal 9, ...'): a formula stated, applied
                line = formula_line(question, s.text, f"[{s.passage}]") if s.score >= floor else ""
                if line:
                    return f"{with_marker(s.text, s.passage)}\n{line}"
            return ""  # else its best sentences, as a look-up
        if kind.kind == "howto":
            return compose_howto(question, ranked, passages)
        return ""

    def rescore(self, queries: Sequence[str], ranked: Sequence[ScoredSentence]) -> list[list[ScoredSentence]]:
        """The same sentences scored against each query (a part or a side of the question) as against the question,
        best first; their embeddings are reused, only the queries are embedded."""
        out = []
        for query, qv in zip(queries, self.embedder.embed_batch(list(queries))):
            q_stems = stems(query)
            scored = []
            for s in ranked:
                dense = sum(a * b for a, b in zip(qv, s.vector or []))
                score = (0.5 * dense + 0.5 * term_overlap(q_stems, s.text, self.term_weight) + answer_type_fit(query, s.text) + period_fit(query, s.text))
                scored.append(replace(s, score=score, dense=dense))
            out.append(sorted(scored, key=lambda s: -s.score))
        return out

    @staticmethod
    def following(ranked: Sequence[ScoredSentence], passages: Sequence[Passage]) -> dict[int, list[ScoredSentence]]:
        """For each sentence (by id), the sentences after it in its passage, in order (an explanation often follows
        the sentence that names what is explained)."""
        by_passage: dict[int, list[ScoredSentence]] = {}
        for s in ranked:
            by_passage.setdefault(s.passage, []).append(s)
        out = {}
        for group in by_passage.values():
            group.sort(key=lambda s: s.start)
            for i, s in enumerate(group):
                out[id(s)] = group[i + 1 :]
        return out

    def disagreement(self, question: str, ranked: Sequence[ScoredSentence], passages: Sequence[Passage], margin: float = 0.4) -> ScoredSentence | None:
        """A sentence of another document, nearly as good as the best, that gives a different figure of the same
        order of magnitude for what the question asks (e.g. deaths in 2022: 76,226 against 73,600)."""
        if not _ASKS_FIGURE.search(question) or not ranked:
            return None
        best, asked = ranked[0], numbers(question)
        mine = figures(best.text) - asked
        if not mine:
            return None
        for s in ranked[1:]:
            if s.score < max(self.min_score, best.score - margin):
                break
            if passages[s.passage - 1].doc_id == passages[best.passage - 1].doc_id or not asked <= numbers(s.text):
                continue
            theirs = figures(s.text) - asked
            if theirs and not mine & theirs and any(0.5 < a / b < 2 for a in map(float, mine) for b in map(float, theirs) if b):
                return s
        return None
