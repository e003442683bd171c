#!/usr/bin/env python3
"""Validate the held-out guardrails test set (guardrails_holdout.jsonl).

Stdlib only. Exit code 0 when every check passes, 1 otherwise.

Checks:
  * JSON Lines, UTF-8, exact field set and field types
  * ids "h001", "h002", ... unique (and consecutive)
  * minimum count per category and in total
  * every pii string occurs verbatim in the question, in the listed order,
    without overlap, and aligns 1:1 with a known placeholder type
  * BSNs pass the eleven-test, IBANs pass mod-97 (plus country length)
  * light format checks for the other placeholder types
  * pii_* categories contain their own placeholder type
  * pii_negative items have no pii and every 9-digit number in them FAILS
    the eleven-test; in no item may an unlisted 9-digit number pass it
  * 0800-0543 (the service's own number) is never listed as pii
  * decision matches category
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

DEFAULT_PATH = Path(__file__).with_name("guardrails_holdout.jsonl")

FIELDS = {
    "id": str,
    "question": str,
    "expected": str,
    "gold_quotes": list,
    "source": str,
    "key_facts": list,
    "set": str,
    "pii": list,
    "placeholders": list,
    "decision": str,
}
PLACEHOLDERS = {
    "BSN",
    "IBAN",
    "TELEFOON",
    "E-MAIL",
    "POSTCODE",
    "ADRES",
    "NAAM",
    "GEBOORTEDATUM",
    "KENTEKEN",
}
MIN_COUNTS = {
    "pii_bsn": 6,
    "pii_iban": 5,
    "pii_phone": 4,
    "pii_email": 3,
    "pii_postcode": 3,
    "pii_address": 4,
    "pii_name": 6,
    "pii_birthdate": 3,
    "pii_kenteken": 2,
    "pii_negative": 6,
    "injection": 10,
    "scope_other_person": 3,
    "scope_personal_advice": 3,
    "scope_decision": 3,
    "scope_abuse": 2,
    "benign": 8,
}
MIN_TOTAL = 60
CATEGORY_TYPE = {
    "pii_bsn": "BSN",
    "pii_iban": "IBAN",
    "pii_phone": "TELEFOON",
    "pii_email": "E-MAIL",
    "pii_postcode": "POSTCODE",
    "pii_address": "ADRES",
    "pii_name": "NAAM",
    "pii_birthdate": "GEBOORTEDATUM",
    "pii_kenteken": "KENTEKEN",
}
IBAN_LENGTH = {"NL": 18, "BE": 16, "DE": 22, "FR": 27, "LU": 20, "GB": 22}
SERVICE_NUMBER = "0800-0543"
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def expected_decision(category):
    if category == "injection":
        return "injection"
    if category.startswith("scope_"):
        return "scope"
    return "allow"


def eleven_test(digits):
    """BSN eleven-test: weights 9..2 and -1 on 9 digits, sum % 11 == 0."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    total = sum(int(d) * w for d, w in zip(digits, weights))
    return total % 11 == 0 and total != 0


def iban_ok(raw):
    s = re.sub(r"\s+", "", raw).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s):
        return False, "bad IBAN shape"
    cc = s[:2]
    if cc in IBAN_LENGTH and len(s) != IBAN_LENGTH[cc]:
        return False, f"length {len(s)} != {IBAN_LENGTH[cc]} for {cc}"
    rearranged = s[4:] + s[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    if int(number) % 97 != 1:
        return False, "mod-97 != 1"
    return True, ""


def format_problem(ptype, value):
    """Light plausibility checks per placeholder type; '' when fine."""
    if ptype == "BSN":
        digits = re.sub(r"[\s.\-]", "", value)
        if not digits.isdigit() or len(digits) != 9:
            return "BSN is not 9 digits"
        if not eleven_test(digits):
            return "BSN fails eleven-test"
    elif ptype == "IBAN":
        ok, why = iban_ok(value)
        if not ok:
            return "IBAN invalid: " + why
    elif ptype == "TELEFOON":
        digits = re.sub(r"\D", "", value)
        if SERVICE_NUMBER in value or digits.startswith("0800"):
            return "service/free number must not be pii"
        if not 10 <= len(digits) <= 13:
            return f"phone has {len(digits)} digits"
    elif ptype == "E-MAIL":
        if not re.fullmatch(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+", value):
            return "not an e-mail address"
    elif ptype == "POSTCODE":
        if not re.fullmatch(r"[1-9]\d{3} ?[A-Za-z]{2}", value):
            return "not a Dutch postcode"
    elif ptype == "ADRES":
        if not re.search(r"[A-Za-z]", value) or not re.search(r"\d", value):
            return "address needs a street name and a house number"
    elif ptype == "NAAM":
        if re.search(r"\d", value) or (len(value.split()) < 2 and "-" not in value):
            return "name should be a multi-part name without digits"
    elif ptype == "GEBOORTEDATUM":
        v = value.lower()
        if not (
            re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/.](19|20)\d{2}", v)
            or re.fullmatch(r"(19|20)\d{2}-\d{2}-\d{2}", v)
            or re.fullmatch(r"\d{1,2} (%s) (19|20)\d{2}" % "|".join(MONTHS), v)
        ):
            return "not a recognisable full date"
    elif ptype == "KENTEKEN":
        if not re.fullmatch(r"[A-Z0-9]{1,3}-[A-Z0-9]{2,3}-[A-Z0-9]{1,2}", value.upper()):
            return "not a Dutch plate shape"
    return ""


def nine_digit_numbers(text):
    """Standalone runs of exactly 9 digits (not part of a longer number)."""
    return re.findall(r"(?<![\d.,])\d{9}(?![\d,]|\.\d)", text)


def check(path):
    errors = []
    records = []
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read {path}: {exc}"], []

    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            errors.append(f"line {lineno}: empty line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON ({exc})")
            continue
        if not isinstance(rec, dict):
            errors.append(f"line {lineno}: not an object")
            continue
        if re.search(r"\\u(?!00[0-7])[0-9a-fA-F]{4}", line):
            errors.append(f"line {lineno}: non-ASCII escaped (write with ensure_ascii=False)")
        records.append((lineno, rec))

    seen_ids = Counter()
    counts = Counter()
    for idx, (lineno, rec) in enumerate(records, 1):
        tag = f"line {lineno} ({rec.get('id', '?')})"
        keys = set(rec)
        if keys != set(FIELDS):
            missing = sorted(set(FIELDS) - keys)
            extra = sorted(keys - set(FIELDS))
            errors.append(f"{tag}: fields differ, missing={missing} extra={extra}")
        bad_type = [k for k, t in FIELDS.items() if k in rec and not isinstance(rec[k], t)]
        if bad_type:
            errors.append(f"{tag}: wrong type for {bad_type}")
            continue
        if any(k not in rec for k in FIELDS):
            continue

        rid = rec["id"]
        seen_ids[rid] += 1
        if not re.fullmatch(r"h\d{3}", rid):
            errors.append(f"{tag}: id must look like h001")
        elif rid != "h%03d" % idx:
            errors.append(f"{tag}: id out of sequence, expected h{idx:03d}")
        for k in ("expected", "source"):
            if rec[k] != "":
                errors.append(f"{tag}: {k} must be empty string")
        for k in ("gold_quotes", "key_facts"):
            if rec[k] != []:
                errors.append(f"{tag}: {k} must be []")

        q = rec["question"]
        cat = rec["set"]
        counts[cat] += 1
        if not q.strip():
            errors.append(f"{tag}: empty question")
        if cat not in MIN_COUNTS:
            errors.append(f"{tag}: unknown category {cat!r}")
        if rec["decision"] not in ("allow", "injection", "scope"):
            errors.append(f"{tag}: unknown decision {rec['decision']!r}")
        elif rec["decision"] != expected_decision(cat):
            errors.append(
                f"{tag}: decision {rec['decision']!r} but category {cat!r} "
                f"needs {expected_decision(cat)!r}"
            )

        pii, ph = rec["pii"], rec["placeholders"]
        if not all(isinstance(x, str) and x for x in pii):
            errors.append(f"{tag}: pii entries must be non-empty strings")
            continue
        if not all(isinstance(x, str) for x in ph):
            errors.append(f"{tag}: placeholders must be strings")
            continue
        if len(pii) != len(ph):
            errors.append(f"{tag}: {len(pii)} pii vs {len(ph)} placeholders")
        pos = 0
        for value, ptype in zip(pii, ph):
            if ptype not in PLACEHOLDERS:
                errors.append(f"{tag}: unknown placeholder {ptype!r}")
            if value not in q:
                errors.append(f"{tag}: pii {value!r} not verbatim in question")
                continue
            found = q.find(value, pos)
            if found < 0:
                errors.append(f"{tag}: pii {value!r} out of order or overlapping")
            else:
                pos = found + len(value)
            if SERVICE_NUMBER in value:
                errors.append(f"{tag}: service number listed as pii")
            problem = format_problem(ptype, value)
            if problem:
                errors.append(f"{tag}: {ptype} {value!r}: {problem}")

        if cat in CATEGORY_TYPE and CATEGORY_TYPE[cat] not in ph:
            errors.append(f"{tag}: category {cat} has no {CATEGORY_TYPE[cat]} placeholder")
        if cat in ("pii_negative", "benign", "injection") and pii:
            errors.append(f"{tag}: {cat} item must not list pii")

        # 9-digit numbers outside listed BSNs must fail the eleven-test.
        listed = {re.sub(r"\D", "", v) for v, t in zip(pii, ph) if t == "BSN"}
        nines = nine_digit_numbers(q)
        for num in nines:
            if num in listed:
                continue
            if eleven_test(num):
                errors.append(f"{tag}: unlisted 9-digit number {num} passes the eleven-test")
        if cat == "pii_negative":
            for num in nines:
                if eleven_test(num):
                    errors.append(f"{tag}: pii_negative number {num} passes the eleven-test")

    for rid, n in seen_ids.items():
        if n > 1:
            errors.append(f"duplicate id {rid} ({n}x)")
    for cat, need in MIN_COUNTS.items():
        if counts[cat] < need:
            errors.append(f"category {cat}: {counts[cat]} < minimum {need}")
    if len(records) < MIN_TOTAL:
        errors.append(f"total {len(records)} < minimum {MIN_TOTAL}")
    return errors, counts


def main(argv):
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    errors, counts = check(path)
    total = sum(counts.values())
    print(f"{path.name}: {total} items")
    for cat in MIN_COUNTS:
        print(f"  {cat:<22} {counts.get(cat, 0):>3}  (min {MIN_COUNTS[cat]})")
    dec = Counter(expected_decision(c) for c in counts.elements())
    print("  decisions: " + ", ".join(f"{k}={v}" for k, v in sorted(dec.items())))
    if errors:
        print(f"FAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  - " + e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
