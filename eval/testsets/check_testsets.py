#!/usr/bin/env python3
"""Check the BelBot evaluation test sets (stdlib only).

Checks retrieval.jsonl and unanswerable.jsonl in this directory against the
corpus in /work/shared/corpus (override with the CORPUS_DIR env variable):

* schema: exactly the fields id, question, expected, gold_quotes, source,
  key_facts, set; correct types; ids unique over both files
* set and per-source counts against the required minimums
* every gold quote and key fact occurs in its source document after
  whitespace normalisation (" ".join(text.split())), and every key fact is
  also contained in the record's expected answer
* gold quotes: 6-25 words, no "•", "<", ">", no span over a word hyphenated
  across a line break, no obvious sentence boundary inside the quote
* unanswerable records: fixed expected text, empty quotes/facts/source
* near-duplicate questions (token Jaccard similarity)

Exit code 0 when everything passes, 1 otherwise.
"""

import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("CORPUS_DIR", "/work/shared/corpus")
FIELDS = ["id", "question", "expected", "gold_quotes", "source", "key_facts", "set"]
SETS = {"in_distribution": 45, "paraphrase": 30, "outlier": 25}
MIN_PER_SOURCE = {"000": 8, "001": 8, "003": 8, "004": 15}
UNANSWERABLE_EXPECTED = "Dit staat niet in de kennisbank."
MIN_RETRIEVAL = 110
MIN_UNANSWERABLE = 40

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
    if list(rec.keys()) != FIELDS and sorted(rec.keys()) != sorted(FIELDS):
        err(f"{where}: fields {sorted(rec.keys())} != {sorted(FIELDS)}")
        return False
    for k in ("id", "question", "expected", "source", "set"):
        if not isinstance(rec[k], str):
            err(f"{where}: field {k} must be a string")
            return False
    for k in ("gold_quotes", "key_facts"):
        if not isinstance(rec[k], list) or not all(isinstance(x, str) for x in rec[k]):
            err(f"{where}: field {k} must be a list of strings")
            return False
    if not rec["question"].strip() or not rec["expected"].strip():
        err(f"{where}: empty question or expected")
    return True


def check_retrieval(rec, where, docs):
    if not re.fullmatch(r"r\d{3}", rec["id"]):
        err(f"{where}: id {rec['id']!r} does not look like r001")
    if rec["set"] not in SETS:
        err(f"{where}: set {rec['set']!r} not in {sorted(SETS)}")
    if rec["source"] not in docs:
        err(f"{where}: unknown source {rec['source']!r}")
        return
    raw, ntext = docs[rec["source"]]
    if not 1 <= len(rec["gold_quotes"]) <= 2:
        err(f"{where}: needs 1-2 gold quotes, has {len(rec['gold_quotes'])}")
    if not 1 <= len(rec["key_facts"]) <= 3:
        err(f"{where}: needs 1-3 key facts, has {len(rec['key_facts'])}")
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
        elif norm(kf).lower() not in norm(rec["expected"]).lower():
            err(f"{where}: key fact not contained in expected answer: {kf!r}")


def check_unanswerable(rec, where):
    if not re.fullmatch(r"u\d{3}", rec["id"]):
        err(f"{where}: id {rec['id']!r} does not look like u001")
    if rec["set"] != "unanswerable":
        err(f"{where}: set must be 'unanswerable'")
    if rec["expected"] != UNANSWERABLE_EXPECTED:
        err(f"{where}: expected must be {UNANSWERABLE_EXPECTED!r}")
    if rec["gold_quotes"] or rec["key_facts"] or rec["source"] != "":
        err(f"{where}: gold_quotes/key_facts must be empty and source ''")


def tokens(q):
    return set(re.findall(r"\w+", q.lower()))


def near_duplicates(recs, threshold=0.7):
    for i in range(len(recs)):
        ti = tokens(recs[i]["question"])
        for j in range(i + 1, len(recs)):
            tj = tokens(recs[j]["question"])
            if ti and tj:
                jac = len(ti & tj) / len(ti | tj)
                if jac >= threshold:
                    err(
                        f"near-duplicate questions {recs[i]['id']} / {recs[j]['id']} (Jaccard {jac:.2f})"
                    )


def main():
    docs = load_corpus()
    if len(docs) != 5:
        err(f"expected 5 corpus documents in {CORPUS}, found {len(docs)}")
    retr = load(os.path.join(HERE, "retrieval.jsonl"))
    unans = load(os.path.join(HERE, "unanswerable.jsonl"))

    ids = collections.Counter()
    good_retr, good_unans = [], []
    for i, rec in enumerate(retr, 1):
        where = f"retrieval.jsonl:{i}"
        if check_schema(rec, where):
            ids[rec["id"]] += 1
            check_retrieval(rec, f"{where} ({rec['id']})", docs)
            good_retr.append(rec)
    for i, rec in enumerate(unans, 1):
        where = f"unanswerable.jsonl:{i}"
        if check_schema(rec, where):
            ids[rec["id"]] += 1
            check_unanswerable(rec, f"{where} ({rec['id']})")
            good_unans.append(rec)
    for k, v in ids.items():
        if v > 1:
            err(f"duplicate id {k} ({v}x)")

    qs = collections.Counter(norm(r["question"]).lower() for r in good_retr + good_unans)
    for q, v in qs.items():
        if v > 1:
            err(f"duplicate question ({v}x): {q!r}")
    near_duplicates(good_retr + good_unans)

    set_counts = collections.Counter(r["set"] for r in good_retr)
    src_counts = collections.Counter(r["source"] for r in good_retr)
    if len(good_retr) < MIN_RETRIEVAL:
        err(f"retrieval.jsonl has {len(good_retr)} records, need >= {MIN_RETRIEVAL}")
    if len(good_unans) < MIN_UNANSWERABLE:
        err(f"unanswerable.jsonl has {len(good_unans)} records, need >= {MIN_UNANSWERABLE}")
    for s, mn in SETS.items():
        if set_counts[s] < mn:
            err(f"set {s}: {set_counts[s]} < {mn}")
    for prefix, mn in MIN_PER_SOURCE.items():
        n = sum(v for k, v in src_counts.items() if k.startswith(prefix))
        if n < mn:
            err(f"source {prefix}: {n} < {mn}")
    if not any(k.startswith("002") for k in src_counts):
        err("no questions for source 002")

    print(f"retrieval.jsonl:    {len(good_retr)} records")
    print(f"unanswerable.jsonl: {len(good_unans)} records")
    print("per set (retrieval):")
    for s in SETS:
        print(f"  {s:16s} {set_counts[s]:4d}")
    print("per source (retrieval):")
    for k in sorted(src_counts):
        print(f"  {k:28s} {src_counts[k]:4d}")
    print("per source x set (retrieval):")
    cross = collections.Counter((r["source"][:3], r["set"]) for r in good_retr)
    for k in sorted(src_counts):
        p = k[:3]
        print(f"  {p}  " + "  ".join(f"{s}={cross[(p, s)]}" for s in SETS))
    nq = sum(len(r["gold_quotes"]) for r in good_retr)
    nk = sum(len(r["key_facts"]) for r in good_retr)
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
