#!/usr/bin/env python3
"""Check the BelBot evaluation test sets (stdlib only).

Checks retrieval.jsonl (answerable questions) and unanswerable.jsonl (questions the corpus
does not answer) in this directory against the corpus in /work/shared/corpus (override with
the CORPUS_DIR env variable):

* schema: the fields id, question, expected, gold_answer, gold_quotes, source, key_facts, set
  in this order, optionally followed by paraphrase_of; correct types; ids unique over both files
* expected is "answer" (retrieval.jsonl, ids r001...) or "refuse" (unanswerable.jsonl, ids
  u001...)
* set is one of the three kinds of the Adviescommissie: in_distribution (data like the
  development data), paraphrase (data of another distribution) and outlier
* minimums: >= 150 questions in total, unanswerable >= one third of the total and >= 30% within
  each kind, every kind >= 40 questions, per-source minimums for the answerable questions
* every gold quote and key fact occurs in its source document after whitespace normalisation
  (" ".join(text.split())), and every key fact is also contained in the record's gold_answer
* gold quotes: 6-25 words, no "•", "<", ">", no span over a word hyphenated across a line
  break, no obvious sentence boundary inside the quote
* unanswerable records: expected "refuse", fixed gold_answer, empty quotes/facts/source
* paraphrase_of: an existing other id in the same file with the same expected; an answerable
  paraphrase keeps the gold_quotes, source and key_facts of the question it rephrases
* near-duplicate questions (token Jaccard similarity)

Prints a summary table (per kind: answerable, unanswerable) and exits 0 only when everything
passes, 1 otherwise.
"""

import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("CORPUS_DIR", "/work/shared/corpus")
FIELDS = ["id", "question", "expected", "gold_answer", "gold_quotes", "source", "key_facts", "set"]
OPTIONAL = ["paraphrase_of"]
KINDS = ["in_distribution", "paraphrase", "outlier"]
EXPECTED = {"retrieval.jsonl": "answer", "unanswerable.jsonl": "refuse"}
ID_PREFIX = {"answer": "r", "refuse": "u"}
MIN_PER_SOURCE = {"000": 8, "001": 8, "003": 8, "004": 15}
UNANSWERABLE_ANSWER = "Dit staat niet in de kennisbank."
MIN_TOTAL = 150
MIN_PER_KIND = 40
MIN_UNANSWERABLE_SHARE = (1, 3)  # of all questions
MIN_UNANSWERABLE_SHARE_PER_KIND = (30, 100)  # within each kind
NEAR_DUPLICATE_JACCARD = 0.7

errors = []
warnings = []


def norm(s):
    return " ".join(s.split())


def err(msg):
    errors.append(msg)


def load(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                err(f"{os.path.basename(path)}:{n}: empty line")
                continue
            try:
                recs.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f"{os.path.basename(path)}:{n}: invalid JSON ({e})")
    return recs


def load_corpus():
    docs = {}
    for name in sorted(os.listdir(CORPUS)):
        if re.match(r"\d{3}_[0-9a-f]+\.txt$", name):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                raw = f.read()
            docs[name] = (raw, norm(raw))
    return docs


def raw_spans(raw, quote):
    """Yield the raw-text spans matching quote with flexible whitespace."""
    pattern = r"\s+".join(re.escape(w) for w in quote.split())
    for m in re.finditer(pattern, raw):
        yield m.group(0)


def check_schema(rec, where):
    if not isinstance(rec, dict):
        err(f"{where}: record is not an object")
        return False
    keys = list(rec.keys())
    allowed = [FIELDS, FIELDS + OPTIONAL]
    if keys not in allowed:
        if sorted(keys) in (sorted(a) for a in allowed):
            err(f"{where}: fields out of order: {keys} (want {FIELDS} [+ {OPTIONAL}])")
        else:
            missing = [k for k in FIELDS if k not in rec]
            extra = [k for k in keys if k not in FIELDS + OPTIONAL]
            err(f"{where}: missing fields {missing}, unknown fields {extra}")
        return False
    for k in ("id", "question", "expected", "gold_answer", "source", "set"):
        if not isinstance(rec[k], str):
            err(f"{where}: field {k} must be a string")
            return False
    if "paraphrase_of" in rec and not (
        isinstance(rec["paraphrase_of"], str) and rec["paraphrase_of"]
    ):
        err(f"{where}: paraphrase_of must be a non-empty string")
        return False
    for k in ("gold_quotes", "key_facts"):
        if not isinstance(rec[k], list) or not all(isinstance(x, str) for x in rec[k]):
            err(f"{where}: field {k} must be a list of strings")
            return False
    if not rec["question"].strip() or not rec["gold_answer"].strip():
        err(f"{where}: empty question or gold_answer")
    return True


def check_common(rec, where, file_name):
    want = EXPECTED[file_name]
    if rec["expected"] not in ID_PREFIX:
        err(f"{where}: expected {rec['expected']!r} not in {sorted(ID_PREFIX)}")
    elif rec["expected"] != want:
        err(f"{where}: expected must be {want!r} in {file_name}, is {rec['expected']!r}")
    prefix = ID_PREFIX[want]
    if not re.fullmatch(prefix + r"\d{3}", rec["id"]):
        err(f"{where}: id {rec['id']!r} does not look like {prefix}001")
    if rec["set"] not in KINDS:
        err(f"{where}: set {rec['set']!r} not in {KINDS}")


def check_answerable(rec, where, docs):
    if rec["source"] not in docs:
        err(f"{where}: unknown source {rec['source']!r}")
        return
    raw, ntext = docs[rec["source"]]
    if not 1 <= len(rec["gold_quotes"]) <= 2:
        err(f"{where}: needs 1-2 gold quotes, has {len(rec['gold_quotes'])}")
    if not 1 <= len(rec["key_facts"]) <= 3:
        err(f"{where}: needs 1-3 key facts, has {len(rec['key_facts'])}")
    if norm(rec["gold_answer"]) == UNANSWERABLE_ANSWER:
        err(f"{where}: answerable record carries the refusal text as gold_answer")
    for q in rec["gold_quotes"]:
        nq = norm(q)
        nwords = len(nq.split())
        if not 6 <= nwords <= 25:
            err(f"{where}: quote has {nwords} words (6-25): {q!r}")
        for ch in ("•", "<", ">"):
            if ch in q:
                err(f"{where}: quote contains {ch!r}: {q!r}")
        if nq not in ntext:
            err(f"{where}: quote not found in {rec['source']}: {q!r}")
            continue
        spans = list(raw_spans(raw, nq))
        if spans and all(re.search(r"\w-[ \t]*\n", s) for s in spans):
            err(f"{where}: quote spans a word hyphenated across a line break: {q!r}")
        if re.search(r"[a-zà-ÿ]{3,}[.!?] [A-Z]", nq):
            err(f"{where}: quote seems to span a sentence boundary: {q!r}")
        if re.search(r"[a-zA-Z)]\d{1,2}\b", nq):
            warnings.append(f"{where}: quote may contain a glued footnote number: {q!r}")
    for kf in rec["key_facts"]:
        if not norm(kf):
            err(f"{where}: empty key fact")
        elif norm(kf) not in ntext:
            err(f"{where}: key fact not found in {rec['source']}: {kf!r}")
        elif norm(kf).lower() not in norm(rec["gold_answer"]).lower():
            err(f"{where}: key fact not contained in gold_answer: {kf!r}")


def check_unanswerable(rec, where):
    if rec["gold_answer"] != UNANSWERABLE_ANSWER:
        err(f"{where}: gold_answer must be {UNANSWERABLE_ANSWER!r}")
    if rec["gold_quotes"] or rec["key_facts"] or rec["source"] != "":
        err(f"{where}: gold_quotes/key_facts must be empty and source ''")


def check_paraphrases(recs, file_name, where_of):
    """paraphrase_of points to another record of the same file with the same expected."""
    by_id = {r["id"]: r for r in recs}
    pairs = 0
    for rec in recs:
        target = rec.get("paraphrase_of")
        if target is None:
            continue
        where = where_of[id(rec)]
        if target == rec["id"]:
            err(f"{where}: paraphrase_of points to itself")
            continue
        orig = by_id.get(target)
        if orig is None:
            err(f"{where}: paraphrase_of {target!r} is not an id in {file_name}")
            continue
        if orig["expected"] != rec["expected"]:
            err(
                f"{where}: paraphrase_of {target!r} has expected {orig['expected']!r}, "
                f"this record {rec['expected']!r}"
            )
            continue
        if rec["expected"] == "answer":
            for k in ("source", "gold_quotes", "key_facts"):
                if rec[k] != orig[k]:
                    err(f"{where}: {k} differs from that of {target} (a paraphrase keeps it)")
        pairs += 1
    return pairs


def tokens(q):
    return set(re.findall(r"\w+", q.lower()))


def near_duplicates(recs, threshold=NEAR_DUPLICATE_JACCARD):
    toks = [tokens(r["question"]) for r in recs]
    for i in range(len(recs)):
        for j in range(i + 1, len(recs)):
            ti, tj = toks[i], toks[j]
            if ti and tj:
                jac = len(ti & tj) / len(ti | tj)
                if jac >= threshold:
                    err(
                        f"near-duplicate questions {recs[i]['id']} / {recs[j]['id']} (Jaccard {jac:.2f})"
                    )


def at_least(part, whole, share):
    """part / whole >= num / den, in integers."""
    num, den = share
    return part * den >= whole * num


def pct(part, whole):
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def main():
    docs = load_corpus()
    if len(docs) != 5:
        err(f"expected 5 corpus documents in {CORPUS}, found {len(docs)}")

    ids = collections.Counter()
    good = {}
    where_of = {}
    pairs = 0
    for file_name in EXPECTED:
        recs = load(os.path.join(HERE, file_name))
        good[file_name] = []
        for i, rec in enumerate(recs, 1):
            where = f"{file_name}:{i}"
            if not check_schema(rec, where):
                continue
            where = f"{where} ({rec['id']})"
            where_of[id(rec)] = where
            ids[rec["id"]] += 1
            check_common(rec, where, file_name)
            if rec["expected"] == "answer":
                check_answerable(rec, where, docs)
            elif rec["expected"] == "refuse":
                check_unanswerable(rec, where)
            good[file_name].append(rec)
        pairs += check_paraphrases(good[file_name], file_name, where_of)
    for k, v in ids.items():
        if v > 1:
            err(f"duplicate id {k} ({v}x)")

    retr, unans = good["retrieval.jsonl"], good["unanswerable.jsonl"]
    everything = retr + unans
    qs = collections.Counter(norm(r["question"]).lower() for r in everything)
    for q, v in qs.items():
        if v > 1:
            err(f"duplicate question ({v}x): {q!r}")
    near_duplicates(everything)

    # minimums
    n_ans = collections.Counter(r["set"] for r in everything if r["expected"] == "answer")
    n_ref = collections.Counter(r["set"] for r in everything if r["expected"] == "refuse")
    total = len(everything)
    total_ref = sum(n_ref.values())
    if total < MIN_TOTAL:
        err(f"{total} questions in total, need >= {MIN_TOTAL}")
    if not at_least(total_ref, total, MIN_UNANSWERABLE_SHARE):
        err(f"unanswerable {total_ref} of {total} questions, need >= one third")
    for kind in KINDS:
        n = n_ans[kind] + n_ref[kind]
        if n < MIN_PER_KIND:
            err(f"set {kind}: {n} questions, need >= {MIN_PER_KIND}")
        if not at_least(n_ref[kind], n, MIN_UNANSWERABLE_SHARE_PER_KIND):
            err(
                f"set {kind}: unanswerable {n_ref[kind]} of {n} ({pct(n_ref[kind], n).strip()}), "
                f"need >= {MIN_UNANSWERABLE_SHARE_PER_KIND[0]}%"
            )
    src_counts = collections.Counter(r["source"] for r in retr)
    for prefix, mn in MIN_PER_SOURCE.items():
        n = sum(v for k, v in src_counts.items() if k.startswith(prefix))
        if n < mn:
            err(f"source {prefix}: {n} < {mn}")
    if not any(k.startswith("002") for k in src_counts):
        err("no questions for source 002")

    # summary
    print(f"retrieval.jsonl:    {len(retr)} records (answerable)")
    print(f"unanswerable.jsonl: {len(unans)} records")
    print()
    print(f"  {'set':16s} {'answerable':>10s} {'unanswerable':>12s} {'total':>6s} {'unans%':>7s}")
    for kind in KINDS:
        n = n_ans[kind] + n_ref[kind]
        print(f"  {kind:16s} {n_ans[kind]:10d} {n_ref[kind]:12d} {n:6d} {pct(n_ref[kind], n):>7s}")
    total_ans = sum(n_ans.values())
    print(f"  {'total':16s} {total_ans:10d} {total_ref:12d} {total:6d} {pct(total_ref, total):>7s}")
    print()
    n_para = collections.Counter(r["expected"] for r in everything if "paraphrase_of" in r)
    print(
        f"paraphrase pairs (paraphrase_of): {pairs} "
        f"(answerable {n_para['answer']}, unanswerable {n_para['refuse']})"
    )
    print("per source (answerable):")
    for k in sorted(src_counts):
        print(f"  {k:28s} {src_counts[k]:4d}")
    print("per source x set (answerable):")
    cross = collections.Counter((r["source"][:3], r["set"]) for r in retr)
    for k in sorted(src_counts):
        p = k[:3]
        print(f"  {p}  " + "  ".join(f"{s}={cross[(p, s)]}" for s in KINDS))
    nq = sum(len(r["gold_quotes"]) for r in retr)
    nk = sum(len(r["key_facts"]) for r in retr)
    print(f"gold quotes checked: {nq}, key facts checked: {nk}")
    for w in warnings:
        print("WARNING:", w)
    if errors:
        print(f"\nFAILED with {len(errors)} error(s):")
        for e in errors:
            print("  ERROR:", e)
        return 1
    print("\nALL CHECKS PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
