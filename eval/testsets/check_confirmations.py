#!/usr/bin/env python3
"""Check the written-confirmation test set confirmations.jsonl (stdlib only).

Each line is one phone conversation: the questions the agent typed (turns), which of them the
corpus answers, which answers the agent rejected with thumbs down, and what the drafted
confirmation must and must not contain. Checked against the corpus in
/work/main/knowledge/corpus (override with the CORPUS_DIR env variable):

* schema and types: fields id, turns, must_contain, must_not_contain and optionally pii (no
  other fields); a turn has question and expected ("answer" or "refuse"); an answer turn has
  key_facts and source and optionally feedback "down"; a refuse turn has nothing else
* ids unique, 1-4 turns per conversation, >= 28 conversations
* every corpus document is covered by answered turns that were not rejected
* every key fact occurs in its source document after " ".join(text.split())
* must_contain equals the union of the key facts of the answered turns without thumbs down
  (order-insensitive, no duplicates)
* must_not_contain: 1-3 strings, none a substring of a must_contain fact or of a question of
  the conversation (the question is quoted in the confirmation); every key fact of a rejected
  turn is in must_not_contain unless an accepted turn has the same fact
* pii: every string occurs in some question of the conversation and in no must_contain fact

Prints a summary and exits 0 only when everything passes, 1 otherwise.
"""

import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("CORPUS_DIR", "/work/main/knowledge/corpus")
PATH = os.path.join(HERE, "confirmations.jsonl")
TOP_FIELDS = {"id", "turns", "must_contain", "must_not_contain"}
TOP_OPTIONAL = {"pii"}
ANSWER_FIELDS = {"question", "expected", "key_facts", "source"}
ANSWER_OPTIONAL = {"feedback"}
REFUSE_FIELDS = {"question", "expected"}
MIN_CONVERSATIONS = 28
MAX_TURNS = 4
MAX_MUST_NOT = 3


def norm(text):
    return " ".join(text.split())


def is_str_list(value, allow_empty=False):
    return (
        isinstance(value, list)
        and (allow_empty or len(value) > 0)
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def load_corpus():
    docs = {}
    if not os.path.isdir(CORPUS):
        return docs
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".txt"):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                docs[name] = norm(f.read())
    return docs


def check_turn(cid, i, turn, docs, errors):
    """Validate one turn; return (kind, key_facts, source, down) or None when malformed."""
    where = f"{cid} turn {i + 1}"
    if not isinstance(turn, dict):
        errors.append(f"{where}: not an object")
        return None
    question = turn.get("question")
    if not isinstance(question, str) or not question.strip():
        errors.append(f"{where}: question must be a non-empty string")
    expected = turn.get("expected")
    if expected == "refuse":
        extra = set(turn) - REFUSE_FIELDS
        if extra:
            errors.append(f"{where}: refuse turn has extra fields {sorted(extra)}")
        missing = REFUSE_FIELDS - set(turn)
        if missing:
            errors.append(f"{where}: missing fields {sorted(missing)}")
        return ("refuse", [], None, False)
    if expected != "answer":
        errors.append(f"{where}: expected must be 'answer' or 'refuse', got {expected!r}")
        return None
    missing = ANSWER_FIELDS - set(turn)
    extra = set(turn) - ANSWER_FIELDS - ANSWER_OPTIONAL
    if missing:
        errors.append(f"{where}: missing fields {sorted(missing)}")
    if extra:
        errors.append(f"{where}: unknown fields {sorted(extra)}")
    facts = turn.get("key_facts")
    if not is_str_list(facts):
        errors.append(f"{where}: key_facts must be a non-empty list of non-empty strings")
        facts = []
    elif len(set(facts)) != len(facts):
        errors.append(f"{where}: duplicate key_facts")
    source = turn.get("source")
    if not isinstance(source, str) or source not in docs:
        errors.append(f"{where}: source {source!r} is not a corpus document")
        source = None
    else:
        for fact in facts:
            if norm(fact) not in docs[source]:
                errors.append(f"{where}: key fact {fact!r} not found in {source}")
    down = False
    if "feedback" in turn:
        if turn["feedback"] != "down":
            errors.append(f"{where}: feedback must be 'down', got {turn['feedback']!r}")
        down = True
    return ("answer", facts, source, down)


def main():
    errors = []
    docs = load_corpus()
    if not docs:
        print(f"FAIL: no corpus documents in {CORPUS}")
        return 1
    records = []
    try:
        with open(PATH, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    errors.append(f"line {n}: blank line")
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    errors.append(f"line {n}: invalid JSON ({e})")
    except OSError as e:
        print(f"FAIL: cannot read {PATH}: {e}")
        return 1

    ids = collections.Counter()
    lengths = collections.Counter()
    per_doc = collections.Counter()  # accepted answered turns per document
    per_doc_conv = collections.defaultdict(set)
    refused = down_turns = 0
    down_convs = refuse_convs = pii_convs = 0

    for n, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            errors.append(f"record {n}: not an object")
            continue
        cid = rec.get("id")
        if not isinstance(cid, str) or not cid:
            errors.append(f"record {n}: id must be a non-empty string")
            cid = f"record {n}"
        ids[cid] += 1
        missing = TOP_FIELDS - set(rec)
        extra = set(rec) - TOP_FIELDS - TOP_OPTIONAL
        if missing:
            errors.append(f"{cid}: missing fields {sorted(missing)}")
        if extra:
            errors.append(f"{cid}: unknown fields {sorted(extra)}")

        turns = rec.get("turns")
        if not isinstance(turns, list) or not 1 <= len(turns) <= MAX_TURNS:
            errors.append(f"{cid}: turns must be a list of 1-{MAX_TURNS} turns")
            turns = turns if isinstance(turns, list) else []
        lengths[len(turns)] += 1

        accepted_facts, rejected_facts, questions = [], [], []
        has_down = has_refuse = False
        for i, turn in enumerate(turns):
            parsed = check_turn(cid, i, turn, docs, errors)
            if isinstance(turn, dict) and isinstance(turn.get("question"), str):
                questions.append(turn["question"])
            if parsed is None:
                continue
            kind, facts, source, down = parsed
            if kind == "refuse":
                refused += 1
                has_refuse = True
            elif down:
                down_turns += 1
                has_down = True
                rejected_facts += facts
            else:
                accepted_facts += facts
                if source:
                    per_doc[source] += 1
                    per_doc_conv[source].add(cid)
        down_convs += has_down
        refuse_convs += has_refuse

        must = rec.get("must_contain")
        if not is_str_list(must, allow_empty=True):
            errors.append(f"{cid}: must_contain must be a list of non-empty strings")
            must = []
        else:
            if len(set(must)) != len(must):
                errors.append(f"{cid}: duplicate strings in must_contain")
            if set(must) != set(accepted_facts):
                errors.append(
                    f"{cid}: must_contain {sorted(set(must))} != key facts of accepted answers "
                    f"{sorted(set(accepted_facts))}"
                )

        must_not = rec.get("must_not_contain")
        if not is_str_list(must_not) or len(must_not) > MAX_MUST_NOT:
            errors.append(f"{cid}: must_not_contain must be a list of 1-{MAX_MUST_NOT} strings")
            must_not = must_not if is_str_list(must_not, allow_empty=True) else []
        if len(set(must_not)) != len(must_not):
            errors.append(f"{cid}: duplicate strings in must_not_contain")
        for bad in must_not:
            for fact in must:
                if bad in fact:
                    errors.append(
                        f"{cid}: must_not_contain {bad!r} is inside must_contain {fact!r}"
                    )
            for q in questions:
                if bad in q:
                    errors.append(f"{cid}: must_not_contain {bad!r} occurs in question {q!r}")
        for fact in rejected_facts:
            if fact not in must_not and fact not in accepted_facts:
                errors.append(
                    f"{cid}: key fact {fact!r} of a thumbs-down turn not in must_not_contain"
                )

        if "pii" in rec:
            pii = rec["pii"]
            if not is_str_list(pii):
                errors.append(f"{cid}: pii must be a non-empty list of non-empty strings")
            else:
                pii_convs += 1
                for item in pii:
                    if not any(item in q for q in questions):
                        errors.append(f"{cid}: pii {item!r} occurs in no question")
                    for fact in must:
                        if item in fact:
                            errors.append(f"{cid}: pii {item!r} is inside must_contain {fact!r}")

    for cid, count in ids.items():
        if count > 1:
            errors.append(f"{cid}: id used {count} times")
    if len(records) < MIN_CONVERSATIONS:
        errors.append(f"only {len(records)} conversations, need >= {MIN_CONVERSATIONS}")
    for name in docs:
        if per_doc[name] == 0:
            errors.append(f"document {name} is not covered by any accepted answered turn")

    total_turns = sum(k * v for k, v in lengths.items())
    print(f"confirmations.jsonl: {len(records)} conversations, {total_turns} turns")
    print("turns per conversation: " + ", ".join(f"{k}: {lengths[k]}" for k in sorted(lengths)))
    print(f"refused turns: {refused} (in {refuse_convs} conversations)")
    print(f"thumbs-down turns: {down_turns} (in {down_convs} conversations)")
    print(f"conversations with pii: {pii_convs}")
    print("accepted answered turns per document (conversations):")
    for name in docs:
        print(f"  {name}: {per_doc[name]} ({len(per_doc_conv[name])})")
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  - " + e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
