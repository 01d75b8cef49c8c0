"""The words that mark a sentence's kind, in general English: a demand ("urged", "called
on"), a deal's term ("offer", "would include"), a stance ("opposes", "said"). The kinds
decision (:mod:`summarizer.extract.kinds`) weighs them as features, with the model's letters.
"""

from __future__ import annotations

import re

from summarizer.lexicon import (
    CONDITIONS,
    DEAL_WORDS,
    NO_COMMENT,
    SPEECH_FORMS,
    alternation,
)

# Verbs of a stance for or against something.
STANCE = r"oppos\w*|support\w*|reject\w*|refus\w*|warn\w*|criticis\w*|criticiz\w*|welcom\w*"
# Words that mark each kind of sentence, in general English: a sentence that uses them is
# more likely that kind. The model separates background from the rest better than it tells
# positions, demands and deal terms apart; these cues break its near-ties.
CUES = {
    "demands": re.compile(
        r"\b(?:demand\w*|urg(?:e|es|ed|ing)|call(?:s|ed|ing)? (?:on|for|upon)|insist\w*|"
        r"ask(?:s|ed)? (?:for|that)|press(?:es|ed)? for|must|should|want(?:s|ed)?|request\w*|"
        r"seek(?:s|ing)?|sought|ultimatum|needs? to)\b",
        re.IGNORECASE,
    ),
    "deal_terms": re.compile(
        # "plan" the noun ("the plan", "Ruiz's plan"), not the verb ("plan protests").
        r"\b(?:(?:a|the|its|their|his|her|this|that|our|new|draft|peace|\w+['’]s)\s+plan|"
        rf"{alternation(DEAL_WORDS)}|offer\w*|propos\w*|draft|terms|package|compromise|"
        r"exchange|contract|provision\w*|clause|under which|framework|"
        r"bill|would (?:include|see|give|provide|require|allow|receive|pay|release|cut|raise|"
        r"set)|agree[sd]?|accept(?:s|ed)?|sign(?:s|ed)|pledg(?:es|ed)|promis(?:es|ed)|"
        r"commit(?:s|ted) to|approv(?:e|es|ed)|includ(?:e|es|ing))\b",
        re.IGNORECASE,
    ),
    "positions": re.compile(
        rf"\b(?:said|says|believes?|{STANCE}|argu\w*|will not|won't|cannot|vow\w*|"
        r"maintain\w*|stance|view|position)\b",
        re.IGNORECASE,
    ),
}
# A side's stance taken as it asks for something ("supports the plan but wants ...",
# "called the offer 'a start' but said it wanted ..."): a position beside the demand. Not
# "backed by" (who helps) or "called on" (the demand itself).
TAKES_A_STANCE = re.compile(
    rf"\b(?:{STANCE}|backed(?!\s+by)|called(?!\s+(?:on|upon|for)\b))\b", re.IGNORECASE
)

CONDITION = re.compile(rf"\b{alternation(CONDITIONS)}\b", re.IGNORECASE)
# "declined to comment on the offer", unless the sentence says something too ("..., but an
# aide said ...", "X said it had inspectors on site but declined to comment").
_NO_COMMENT = re.compile(rf"\b(?:{'|'.join(NO_COMMENT)})\b", re.IGNORECASE)
_SAYS_MORE = re.compile(
    rf"\b(?:but|although|though|while|{'|'.join(SPEECH_FORMS)})\b", re.IGNORECASE
)


def says_nothing(text: str) -> bool:
    """Whether ``text`` only reports that someone would not comment."""
    return bool(_NO_COMMENT.search(text)) and not _SAYS_MORE.search(text)
