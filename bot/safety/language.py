"""Which language a message is in: English, Spanish, or another the assistant does not read.

Pure Python. Counts common function words; a message is "other" only when it clearly is (a
script other than Latin, or more function words of another language than of English and
Spanish), so a short or mixed English message is never turned away.
"""

from __future__ import annotations

import re
import unicodedata

ENGLISH, SPANISH, OTHER = "en", "es", "other"
READS = (ENGLISH, SPANISH)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_WORDS = {
    ENGLISH: set(
        "the i my me and is it to of have a in that this what can with be for on are was not do does you your he she "
        "his her im its how will after since now been has had am feel feeling got get cant dont just so if or".split()
    ),
    SPANISH: set(
        "el la los las de que y en mi me tengo no con por para esta está es muy un una se le lo del al pero mas más "
        "estoy siento tiene desde hoy ayer dolor como qué que cuando mis su sus ya puedo ahora despues después "
        "pecho piernas fiebre una llamen ayuda esposo esposa madre padre hija hijo nada sin".split()
    ),
    "fr": set("le la les je j ai et est un une des du dans pour avec pas mon ma mes il elle très tres depuis".split()),
    "de": set("ich und die der das ist nicht ein eine mit mein meine mir habe seit sehr auf zu es".split()),
    "pt": set("eu não nao tenho com minha meu uma um os as do da em para está estou muito desde dor".split()),
    "it": set("io ho il lo la le non mi mio mia sono con che per una un del della molto da dolore".split()),
    "nl": set("ik heb het een de en niet mijn met van is zijn sinds erg pijn".split()),
    "pl": set("nie mam jest i w na się sie z mnie moja mój moj bardzo od ból bol".split()),
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def language_of(text: str) -> str:
    """The message's language: English, Spanish, or "other" when it is clearly in another."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return ENGLISH
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    if latin < len(letters) / 2:
        return OTHER
    words = _WORD.findall(_plain(text))
    counts = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _PLAIN.items()}
    english, spanish = counts.pop(ENGLISH), counts.pop(SPANISH)
    spanish += 2 * sum(1 for ch in text if ch in "ñ¿¡")
    best_other = max(counts.values())
    if spanish > english and spanish >= best_other:
        return SPANISH
    if best_other >= 2 and best_other > max(english, spanish):
        return OTHER
    return ENGLISH


_PLAIN = {lang: {_plain(w) for w in vocab} for lang, vocab in _WORDS.items()}
