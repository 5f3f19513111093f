"""Names compared across spellings and scripts, to find a learner already registered.

Latin transcriptions of Moroccan names vary (Mohamed / Mohammed / Mhamed, El Idrissi /
Idrissi) and Arabic spellings too (فاطمة / فاطمه, إدريسي / ادريسي). Names are reduced to a
normal form in each script, and to a consonant skeleton shared by both scripts, then
compared with rapidfuzz.
"""

import re
import unicodedata

from rapidfuzz import fuzz

ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel
ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
# Arabic letters to the Latin consonants a French-style transcription would use.
ARABIC_TO_LATIN = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "d", "ر": "r",
    "ز": "z", "س": "s", "ش": "ch", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "ع": "", "غ": "gh",
    "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "", "ي": "",
    "ا": "", "ء": "", "ڭ": "g", "گ": "g", "پ": "b", "ڤ": "v",
}
# Latin spellings folded onto the same consonants ("ch" and "sh" both for ش, "q" and "k" for ق…).
LATIN_FOLDS = (("sh", "ch"), ("q", "k"), ("ck", "k"), ("c(?!h)", "k"), ("x", "ks"), ("w", ""), ("y", ""),
               ("p", "b"), ("v", "f"))
LATIN_ARTICLES = {"el", "al"}  # the Arabic article, written apart in Latin (El Idrissi)


def normalize_latin(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z ]+", " ", text.lower()).strip()


def normalize_arabic(text: str) -> str:
    text = ARABIC_DIACRITICS.sub("", text or "").translate(ARABIC_FOLD)
    return re.sub(r"[^\u0621-\u064a ]+", " ", text).strip()


# Latin spellings of one sound, for search: "fatema" is "fatima", "mohammed" "mohamed", "chaoui" "shawi".
LATIN_SOUNDS = (("sh", "ch"), ("ou", "u"), ("w", "u"), ("o", "u"), ("e", "i"), ("y", "i"))
SOUND, CONSONANTS = "~", "#"  # the marks of a search key's sound tokens (~fatima) and skeleton tokens (#ftm#)


def sound(word: str) -> str:
    """A normalised Latin word as it sounds: one letter per vowel and per sound, doubled letters single."""
    for source, target in LATIN_SOUNDS:
        word = word.replace(source, target)
    return re.sub(r"(.)\1+", r"\1", word)


def _article_less(word: str) -> str | None:
    """A Latin word without the article attached to it (Elalaoui → alaoui, Elidrissi → idrissi), if any."""
    for article in LATIN_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 4:
            return word[len(article):]
    return None


def search_key(*names: str) -> str:
    """One lower-case string for search: every name in both scripts as written (folded), then the sound of
    each Latin word (~…, with and without an attached article) and, for a person named in one script only,
    the consonant skeleton of each word (#…#), so that a spelling variant or the other script finds them."""
    written, sounds, skeletons = [], [], []
    names = [name for name in names if name]
    # the consonants of a script only when the other is missing: they find a record written in one script
    # from the other, and nothing else (Malki and Malik share theirs)
    scripts = {_is_arabic(name) for name in names}
    for name in names:
        arabic = _is_arabic(name)
        written.append(normalize_arabic(name) if arabic else normalize_latin(name))
        for word in written[-1].split():
            if not arabic and word not in LATIN_ARTICLES:
                sounds += [sound(variant) for variant in (word, _article_less(word)) if variant]
        if len(scripts) == 1:
            skeletons += skeleton(name).split()
    return " ".join([*" ".join(written).split(), *(SOUND + token for token in dict.fromkeys(sounds)),
                     *(f"{CONSONANTS}{token}{CONSONANTS}" for token in dict.fromkeys(skeletons))])


def search_terms(text: str) -> list[list[str]]:
    """For each word of a query, the substrings of a search key any of which finds it: the word as written,
    and its sound (a Latin word) or its consonant skeleton when it has two consonants or more (fewer would
    find too many names). A spaced article ("el alaoui") is not a word of its own."""
    terms = []
    key_words = search_key(text).split()
    written = [word for word in key_words if word[0] not in (SOUND, CONSONANTS)]
    if len(written) > 1:
        written = [word for word in written if word not in LATIN_ARTICLES]
    for word in written:
        variants = [word] if _is_arabic(word) else [variant for variant in (word, _article_less(word)) if variant]
        found = [word] + [f" {SOUND}{sound(variant)}" for variant in variants if not _is_arabic(word)]
        for variant in variants:
            bones = skeleton(variant).replace(" ", "")
            if len(bones) >= 2:
                found.append(f"{CONSONANTS}{bones}{CONSONANTS}")
        terms.append(found)
    return terms


def skeleton(name: str) -> str:
    """A script-independent consonant skeleton of a full name (articles and vowels dropped)."""
    words = []
    if _is_arabic(name):
        # A final ta marbuta is not pronounced (فاطمة → Fatima), unlike a final ha.
        text = re.sub("ة(?= |$)", "", ARABIC_DIACRITICS.sub("", name))
        for word in normalize_arabic(text).split():
            word = word.removeprefix("ال") if len(word) > 3 else word
            words.append("".join(ARABIC_TO_LATIN.get(c, "") for c in word))
    else:
        for word in normalize_latin(name).split():
            if word in LATIN_ARTICLES:
                continue
            for source, target in LATIN_FOLDS:
                word = re.sub(source, target, word)
            words.append(re.sub(r"[aeiou]", "", word))
    # Doubled consonants are spelled either way (Mohammed / Mohamed).
    return " ".join(re.sub(r"(.)\1+", r"\1", w) for w in words if w)


def person_similarity(a: dict, b: dict) -> float:
    """0–100: how alike two people's names are; first and last names must both be alike.

    ``a`` and ``b`` hold first_name, last_name, first_name_ar, last_name_ar.
    """
    return min(
        name_similarity(a.get("first_name"), a.get("first_name_ar"), b.get("first_name"), b.get("first_name_ar")),
        name_similarity(a.get("last_name"), a.get("last_name_ar"), b.get("last_name"), b.get("last_name_ar")),
    )


def name_similarity(a_latin: str, a_arabic: str, b_latin: str, b_arabic: str) -> float:
    """0–100: how alike two names are: spelling within a script, consonants across scripts."""
    scores = []
    if a_latin and b_latin:
        scores.append(fuzz.token_sort_ratio(_without_articles(a_latin), _without_articles(b_latin)))
    if a_arabic and b_arabic:
        scores.append(fuzz.token_sort_ratio(normalize_arabic(a_arabic), normalize_arabic(b_arabic)))
    for latin, arabic in ((a_latin, b_arabic), (b_latin, a_arabic)):
        if latin and arabic:
            scores.append(fuzz.token_sort_ratio(skeleton(latin), skeleton(arabic)))
    return max(scores, default=0.0)


def _without_articles(latin: str) -> str:
    return " ".join(w for w in normalize_latin(latin).split() if w not in LATIN_ARTICLES)


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in text or "")
