"""The default allow-list: LDNOOBW entries that are ordinary words in clean text.

C4 dropped every page with any listed word, which removes medical pages, news about crime, recipes
(Portuguese "comer", to eat) and art history. The entries below are not counted by default. The rule
for putting an entry here: its ordinary sense is the common one in edited text (health, science,
law, news, everyday vocabulary), so a hit says more about the topic than about the page being
obscene. Strong obscenities and slurs stay counted even when they have a second sense ("dick",
"cock", "pussy", "cum" in "magna cum laude"): a single ordinary use of those is absorbed by the
density threshold, while a page that repeats them is what the rule is for. Unsafe content that
only uses allow-listed words (reporting of violence, say) is left to the model classifier.

Only lists whose language we could review are covered (en, de, fr, es, pt, it, nl, sv, no, pl, ja);
the other lists are used as shipped. Users extend or replace this with the stage's parameters.
"""
from __future__ import annotations

from typing import Dict, FrozenSet

_EN_HEALTH_AND_SCIENCE = {
    # anatomy, sexual health, biology: sex education, medical pages, Wikipedia-style text
    "anal", "anus", "rectum", "penis", "vagina", "vulva", "clitoris", "genitals", "nipple", "nipples",
    "semen", "ejaculation", "intercourse", "fecal", "sex", "sexual", "sexually", "sexuality", "sexo",
    "sadism", "sodomy", "spastic", "eunuch", "lovemaking",
}
_EN_NEWS_LAW_AND_ARTS = {
    # crime reporting, law, history, literature and art criticism
    "rape", "raping", "rapist", "date rape", "incest", "pedophile", "paedophile", "pornography",
    "swastika", "negro", "nude", "nudity", "erotic", "erotism", "homoerotic", "topless", "undressing",
    "voyeur", "lolita", "playboy", "octopussy", "deep throat", "how to kill", "how to murder",
}
_EN_EVERYDAY_SENSES = {
    # common words and phrases whose ordinary sense dominates: "sucks", an escort ship, world
    # domination, XX chromosomes, XXX as a placeholder ("xxx.xxx.xxx.xxx", "# XXX" in code) and a
    # Roman numeral, "sexy" in marketing copy, hardcore fans, tied up, guitar fingering, a currency peg, a
    # snatch of song, scat singing, kinky hair, a spunky team, a barrel's bunghole, a boner (blunder),
    # bondage (servitude), a hooker in rugby, a swinger of golf clubs, snowballing problems...
    "suck", "sucks", "escort", "domination", "xx", "xxx", "sexy", "hardcore", "hard core", "tied up", "fingering",
    "pegging", "snatch", "scat", "santorum", "kinky", "humping", "grope", "threesome", "swinger",
    "spunk", "tainted love", "girl on", "big black", "tight white", "hot chick", "huge fat",
    "taste my", "tongue in a", "jelly donut", "bunghole", "bung hole", "boner", "bondage", "hooker",
    "shrimping", "snowballing", "scissoring", "bareback", "twinkie", "alaskan pipeline", "panty",
    "panties",
}

DEFAULT_ALLOW: Dict[str, FrozenSet[str]] = {
    "en": frozenset(_EN_HEALTH_AND_SCIENCE | _EN_NEWS_LAW_AND_ARTS | _EN_EVERYDAY_SENSES),
    # Bonze (bigwig), Fratze (grimace), Mufti, Rosette, Kimme (rear sight), Schabracke (saddle
    # cloth), nackt (naked: "nackte Zahlen"), Popel and pinkeln (children's words), Lümmel (rascal),
    # Nippel (also a grease nipple), Penis, Orgasmus, and vögeln: casefolded, "Vögeln" (dative
    # plural of Vogel, bird: "zu den größten flugfähigen Vögeln der Welt") is the same token
    "de": frozenset({"bonze", "fratze", "mufti", "rosette", "kimme", "schabracke", "nackt", "popel",
                     "pinkeln", "lümmel", "nippel", "penis", "orgasmus", "vögeln"}),
    # un baiser (a kiss), bander (to bandage), bourrée (a dance), folle (mad), gueule de bois,
    # jouir d'un droit, péter (to break), une gerbe (a sheaf), tanche (tench), ramoner (to sweep a
    # chimney), suce (sucks, as a thumb), pédale (pedal), tapette (fly swatter), clitoris
    "fr": frozenset({"baiser", "bander", "bourré", "bourrée", "folle", "gueule", "jouir", "péter",
                     "gerbe", "tanche", "ramoner", "suce", "pédale", "tapette", "clitoris"}),
    # murder, donkey, drugs, heroin(e), idiot, hell, damned, hammer, nazi, urine, racist, semen,
    # sex, trio, vulva, shell, nipple, sperm, making love
    "es": frozenset({"asesinato", "asno", "drogas", "heroína", "idiota", "infierno", "maldito",
                     "martillo", "nazi", "orina", "racista", "semen", "sexo", "trio", "vulva", "concha",
                     "pezón", "esperma", "haciendo el amor", "coprofagía"}),
    # abortion, amateur, spider, Aryan, bisexual, donkey, condom, beer, clitoris, cocaine, coitus,
    # to eat, consolation, faecal, roast chicken, heroin, heterosexual, gay man, homoerotic,
    # homosexual, hell, lesbian, Lolita, breast/mum, penis, chick, bag, tap, to enjoy, stick
    "pt": frozenset({"aborto", "amador", "aranha", "ariano", "bissexual", "burro", "camisinha",
                     "cerveja", "clitoris", "cocaína", "coito", "comer", "consolo", "fecal",
                     "frango assado", "heroína", "heterosexual", "homem gay", "homoerótico",
                     "homosexual", "inferno", "lésbica", "lolita", "mama", "pênis", "pinto", "saco",
                     "torneira", "gozar", "pau", "passar um cheque"}),
    # to beat, to bathe, balls (of wool, of snow), chariot, corpse, broad bean, to mount, fish,
    # pump, pig/pork, quail, queen, to whisk, Spanish, to pull, cow, to dig, saw, mussel, pea,
    # pipe, a lecture, to stand up, flatterer, horned, to get up, female dog, darn it
    "it": frozenset({"battere", "bagnarsi", "balle", "biga", "cadavere", "fava", "monta", "montare",
                     "pesce", "pompa", "porco", "quaglia", "regina", "sbattere", "spagnola", "tirare",
                     "vacca", "vangare", "sega", "cozza", "pisello", "pippa", "pistolotto", "rizzarsi",
                     "lecchino", "cornuto", "sbattersi", "cagna", "mannaggia", "palle", "patacca"}),
    # ashtray, Anita, to be fed up, basin, turn, hole, lair, girl, to eat, oink, mat, hat, niece,
    # pole(s), paw, pot, skid marks, darling, to spray, position, nudge, horn, to suck, wimp,
    # naked, seesaw, to walk the dog, to mow the grass, to live in a back flat, to die, to spoil,
    # to rave, to rattle
    "nl": frozenset({"asbak", "anita", "balen", "bekken", "beurt", "gat", "hol", "griet", "kanen",
                     "knor", "matje", "muts", "nicht", "paal", "palen", "poot", "pot", "remsporen",
                     "schatje", "spuiten", "standje", "stootje", "toeter", "zuigen", "watje", "naakt",
                     "wippen", "de hond uitlaten", "gras maaien", "driehoog achter wonen",
                     "achter het raam zitten", "de pijp uitgaan", "vergallen", "raaskallen",
                     "reutelen", "boemelen", "buffelen", "johny", "gedoogzone", "een beurt geven"}),
    "sv": frozenset({"hård", "sås", "stake"}),  # hard, sauce, candle
    "no": frozenset({"sinnsykt"}),  # "insanely", an everyday intensifier
    "pl": frozenset({"jajko", "syf"}),  # egg, mess
    # substring-matched: fantasy, hook, lick (in なめらか, smooth), prank, escort, slit, binding,
    # chubby, and the same health/art words as in English
    "ja": frozenset({"ファンタジー", "フック", "なめ", "いたずら", "エスコート", "スリット", "しばり",
                     "ぽっちゃり", "ヌード", "セックス", "エロティック", "サディズム", "プレイボーイ",
                     "トップレス", "ハードコア", "スウィンガー"}),
}

# Languages matched by substring (no spaces between words): an entry of one character is part of
# too many ordinary words to count (Chinese 乳 "milk" in 牛乳, 卵 "egg"), so such entries are skipped.
MIN_SUBSTRING_ENTRY_CHARS = 2


def default_allow(language: str) -> FrozenSet[str]:
    return DEFAULT_ALLOW.get(language, frozenset())
