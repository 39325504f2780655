"""Counting: quorum, thresholds and per-item totals, with exact fractions.

A threshold is a fraction of a base: all members of the council (the roster
frozen when voting opened) or the members present. "At least 90%" means
agree / base >= 9/10; "a majority" means agree / base > 1/2. Abstentions and
blank choices count as not agreeing. Absent members' written opinions count
as votes: in the agree total, and in the base when the base is the members
present (they are members who took part).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

ALL_MEMBERS = "all_members"
PRESENT_MEMBERS = "present_members"


def quorum_met(*, present: int, members: int, required: Fraction) -> bool:
    return members > 0 and Fraction(present, members) >= required


def required_present(*, members: int, required: Fraction) -> int:
    """The smallest number present that meets the quorum."""
    return math.ceil(required * members)


def passes(*, agree: int, base: int, threshold: Fraction, strict: bool) -> bool:
    if base <= 0:
        return False
    share = Fraction(agree, base)
    return share > threshold if strict else share >= threshold


@dataclass(frozen=True)
class Count:
    issued: int
    valid: int
    agree: int
    disagree: int
    abstain: int


def count_ballots(ballot_choices: list[dict], item_ids: list[int], *, issued: int) -> dict[int, Count]:
    """Totals per item from electronic ballots (each a {item_id: choice} dict)."""
    counters = {item_id: Counter() for item_id in item_ids}
    for choices in ballot_choices:
        for item_id in item_ids:
            counters[item_id][choices.get(str(item_id), "abstain")] += 1
    valid = len(ballot_choices)
    return {
        item_id: Count(issued=issued, valid=valid, agree=c["agree"], disagree=c["disagree"],
                       abstain=valid - c["agree"] - c["disagree"])
        for item_id, c in counters.items()
    }


def count_opinions(opinion_choices: list[dict], item_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(agree, other) per item from absent members' written opinions."""
    result = {}
    for item_id in item_ids:
        agree = sum(1 for choices in opinion_choices if choices.get(str(item_id)) == "agree")
        result[item_id] = (agree, len(opinion_choices) - agree)
    return result


def base_for(kind: str, *, members: int, present: int, written: int) -> int:
    return members if kind == ALL_MEMBERS else present + written


def percent(agree: int, base: int) -> Fraction:
    return Fraction(100 * agree, base) if base else Fraction(0)
