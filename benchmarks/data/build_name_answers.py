"""Build `benchmarks/data/name_answers.jsonl`: answers to "May I have your name, please?" —
callers' names from many naming traditions, and answers that are not names at all.

    pip install faker   # only to rebuild the file
    python benchmarks/data/build_name_answers.py

Names: Faker's person providers (MIT licence; joke2k/faker v40), one locale or more per naming
tradition, in Latin script as an English STT would write them (romanised Chinese and
Japanese; Vietnamese and others with and without diacritics), plus hand-written names for
traditions Faker has only in native script (Korean, Arabic) and for the multi-part forms
(particles, hyphens, patronymics, surname first with a comma). Faker is deliberately not
the source the word list is built from (names-dataset, see build_common_words.py), so the
measure is held out from the build. Each name sits in a carrier callers use (bare, "it's X",
"my name is X", "X here", "this is X", fillers), in sentence case as a formatting STT writes
it or in lower case as a raw one does. Non-names: hand-written answers that are not a name
(replies, questions, the reason for the call, times, words that are also names somewhere:
"Friday", "hello", "love").

Rows: {"kind": "name" | "other", "tradition", "text", "expected" (the name, or null)}.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

from faker import Faker

OUT = Path(__file__).resolve().parent / "name_answers.jsonl"
SEED = 20261129
PER_TRADITION = 16

# tradition → Faker locales (names in Latin script)
TRADITIONS: dict[str, list[str]] = {
    "Anglo (US, UK)": ["en_US", "en_GB", "en_AU"],
    "Irish": ["en_IE", "ga_IE"],
    "Hispanic": ["es_MX", "es_ES", "es_CO", "es_AR"],
    "Portuguese, Brazilian": ["pt_BR", "pt_PT"],
    "French": ["fr_FR", "fr_CA"],
    "German, Dutch": ["de_DE", "nl_NL", "nl_BE"],
    "Italian": ["it_IT"],
    "Polish, Czech": ["pl_PL", "cs_CZ"],
    "Nordic": ["sv_SE", "fi_FI", "no_NO", "da_DK"],
    "Turkish": ["tr_TR"],
    "Chinese (pinyin)": ["zh_CN"],
    "Taiwanese (Wade-Giles)": ["zh_TW"],
    "Japanese": ["ja_JP"],
    "Vietnamese": ["vi_VN"],
    "South Asian": ["en_IN", "en_PK"],
    "Maghreb": ["fr_DZ"],
    "West African": ["yo_NG", "ig_NG", "ha_NG", "tw_GH", "en_NG"],
    "East African": ["en_KE", "sw"],
    "Southern African": ["zu_ZA"],
    "Thai": ["en_TH"],
    "Indonesian": ["id_ID"],
    "Central Asian": ["uz_UZ"],
}

# Hand-written: traditions Faker writes only in native script, and multi-part forms.
HAND: dict[str, list[str]] = {
    "Korean": [
        "Kim Min-jun",
        "Lee Seo-yeon",
        "Park Ji-hoon",
        "Choi Yu-na",
        "Jung Hae-in",
        "Kang Dong-won",
        "Yoon Ji-woo",
        "Jang Mi-rae",
        "Lim Soo-jin",
        "Han Ye-seul",
        "Shin Hye-sun",
        "Seo Kang-joon",
        "Kwon Ji-yong",
        "Hwang In-yeop",
        "Ahn Bo-hyun",
        "Song Joong-ki",
        "Ji-woo Kwon",
        "Min-seo Oh",
        "Ko Eun-bi",
        "Bae Suzy",
    ],
    "Arabic": [
        "Ahmad bin Abdullah",
        "Fatima Al-Zahra",
        "Omar Haddad",
        "Layla Mansour",
        "Yousef Nasser",
        "Khalid Al-Rashid",
        "Noor Hamdan",
        "Abdulrahman Saeed",
        "Mariam Khoury",
        "Hassan Ibrahim",
        "Aisha Qureshi",
        "Tariq Aziz",
        "Rania Farouk",
        "Samir Abu-Ghazaleh",
        "Huda Saleh",
        "Mohammed Al Amin",
        "Zainab Hussein",
        "Bilal Othman",
    ],
    "Multi-part": [
        "Mary-Kate O'Neill",
        "Juan Carlos de la Cruz",
        "Nguyen Van An",
        "Oluwaseun Adeyemi",
        "Siobhan Ni Bhriain",
        "Jean-Luc Picard",
        "Maria de los Angeles Garcia",
        "Ludwig van der Berg",
        "Anna von Trapp",
        "Seamus Mac Giolla",
        "Ana Paula dos Santos",
        "Pieter de Vries",
        "Leonardo Da Silva",
        "Ayodele Oluwaseun Bankole",
        "Le Thi Hoa",
        "Tran Minh Quan",
        "Chidi Okafor-Nwosu",
        "Sean O'Sullivan",
        "D'Angelo Russo",
        "Abu Bakar bin Hassan",
    ],
    "Short and one-syllable": [
        "Zhou",
        "Sharma",
        "Xi",
        "Sai",
        "Dev Patel",
        "He Jing",
        "Du Fei",
        "Ng",
        "Ye Lin",
        "Bo",
        "Raj Rao",
        "Amit Das",
        "Sen",
        "Hu Ge",
        "Ko",
        "Ahn",
        "Yoon",
        "Jo",
        "Li Na",
        "Wu",
        "Kwon, Ji-woo",
        "Rao",
        "Gupta",
        "Priya Bose",
        "Tian",
        "Pan Wei",
        "Guo",
        "Seo",
        "Ma Lin",
        "Ren",
        "Ding",
        "Fan",
        "Yao",
        "Shi Tao",
    ],
    "Names that are English words": [
        "Rose",
        "Hope",
        "Will",
        "Mark",
        "Bill",
        "Dawn",
        "Faith",
        "Grace",
        "Joy",
        "Rose Tan",
        "Hope Adams",
        "Will Turner",
        "Mark King",
        "Dawn Price",
        "Bill Rivers",
        "June Park",
        "Summer Reyes",
        "Hunter Gray",
        "Drew Bell",
        "Sunny Cho",
        "Precious Dlamini",
        "Blessing Okoro",
        "Memory Banda",
        "Gift Phiri",
        "Lucky Moyo",
        "Said Amrani",
        "Even Haugen",
        "Wade Brown",
        "Iris Chen",
        "Chase Miller",
    ],
}

CARRIERS = [
    "{n}",
    "{n}.",
    "It's {n}.",
    "My name is {n}.",
    "{n} here.",
    "This is {n}.",
    "Uh, {n}.",
    "Yeah, it's {n}.",
    "I'm {n}.",
    "Sure, {n}.",
    "Um, my name is {n}.",
    "Yes, this is {n}.",
    "Hi, {n} here.",
    "It's {n}, thanks.",
    "The name is {n}.",
    "{n}, thank you.",
    "Okay. {n}.",
    "My name's {n}.",
]

OTHERS = [
    # replies and questions back
    "maybe",
    "Maybe.",
    "yes",
    "Yes.",
    "yeah",
    "no",
    "No.",
    "What?",
    "what",
    "Hold on.",
    "hold on a second",
    "One moment.",
    "just a sec",
    "Sorry?",
    "pardon",
    "Can you repeat that?",
    "Why do you need it?",
    "Who is this?",
    "Hello?",
    "hello can you hear me",
    "Huh?",
    "okay",
    "Sure.",
    "Yes please.",
    "I'd rather not say.",
    "Do I have to?",
    "not sure",
    "I don't know.",
    "What was the question?",
    "what do you mean",
    "Excuse me?",
    "Come again?",
    "wait",
    "Wait, what?",
    "Again please.",
    "Slow down.",
    "hmm",
    "Um.",
    "uh",
    "Right.",
    "Correct.",
    "That's right.",
    "Nothing.",
    "Same as before.",
    "You have it already.",
    "It should be on file.",
    "It's on the account.",
    "No thanks.",
    "Never mind.",
    "Forget it.",
    "Bye.",
    "Goodbye.",
    "Stop.",
    "Thank you.",
    "Thanks.",
    "Great.",
    "Fine, thanks.",
    "Good morning.",
    "good",
    "why",
    "Why?",
    "How come?",
    "I said no.",
    "Testing.",
    "test test",
    "ok cool",
    # the reason for the call, the time, who it is for
    "I need a checkup.",
    "The leak.",
    "sink",
    "My sink is leaking.",
    "It's about the leak.",
    "The kitchen sink.",
    "An appointment.",
    "Cleaning.",
    "a cleaning",
    "Checkup.",
    "Emergency.",
    "toothache",
    "My tooth hurts.",
    "The brakes.",
    "Oil change.",
    "flat tire",
    "Water heater.",
    "It's broken.",
    "the heater",
    "The dishwasher.",
    "the toilet",
    "Clogged drain.",
    "The garage door.",
    "New patient.",
    "returning patient",
    "For my son.",
    "It's for my daughter.",
    "My husband.",
    "my mom",
    "Cancel.",
    "reschedule",
    "Operator.",
    "Representative.",
    "agent please",
    "Speak to a human.",
    "Help.",
    "help me",
    "I'm driving.",
    "I'm busy right now.",
    "Tomorrow.",
    "Friday.",
    "Monday morning.",
    "next week",
    "This afternoon.",
    "Love.",
    "honey",
    "Billing.",
    "My bill.",
    "The bill.",
    "insurance",
    "Music.",
    "The music is loud.",
    "Car.",
    "my car",
    "Heat.",
    "Hot water.",
    "Pipes.",
    "The roof.",
    "Mold.",
    "Pain.",
    "Back pain.",
    "fever",
    "Kids.",
    "Dog.",
]


def fold(text: str) -> str:
    """Without diacritics, as an English STT often writes a foreign name."""
    return (
        "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        .replace("ı", "i")
        .replace("ł", "l")
        .replace("Ł", "L")
        .replace("đ", "d")
        .replace("Đ", "D")
    )


def faker_name(fake: Faker, locale: str, rng: random.Random) -> str:
    """A name as a caller gives it: full name mostly, sometimes the first or family name."""
    if locale in ("zh_CN", "zh_TW", "ja_JP"):
        first, last = fake.first_romanized_name(), fake.last_romanized_name()
        if locale == "zh_TW":
            first, last = first.title(), last.title()  # Faker writes them in capitals
        order = [last, first] if rng.random() < 0.5 and locale != "ja_JP" else [first, last]
    elif locale == "vi_VN":
        first, last = fake.first_name(), fake.last_name()
        while first == "John":  # (Faker's vi_VN sometimes falls back to English)
            first = fake.first_name()
        middle = fake.middle_name().split()[0]
        order = [last, middle, first] if rng.random() < 0.7 else [first, last]
    else:
        first, last = fake.first_name(), fake.last_name()
        order = [first, last]
    shape = rng.random()
    words = order if shape < 0.65 else [first] if shape < 0.85 else [last]
    name = " ".join(words)
    if locale not in ("en_US", "en_GB", "en_AU") and rng.random() < 0.5:
        name = fold(name)
    return name


def carrier(name: str, rng: random.Random) -> str:
    text = rng.choice(CARRIERS).format(n=name)
    if rng.random() < 0.3:  # a raw STT: lower case, no punctuation
        text = text.lower().replace(".", "").replace(",", "").replace("?", "")
    return text


def main() -> None:
    rng = random.Random(SEED)
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    for tradition, locales in TRADITIONS.items():
        made = 0
        while made < PER_TRADITION:
            locale = locales[made % len(locales)]
            fake = Faker(locale)
            fake.seed_instance(rng.randrange(1 << 30))
            name = faker_name(fake, locale, rng).strip()
            if name.lower() in seen or not name:
                continue
            seen.add(name.lower())
            rows.append(
                {
                    "kind": "name",
                    "tradition": tradition,
                    "text": carrier(name, rng),
                    "expected": name,
                }
            )
            made += 1
    for tradition, names in HAND.items():
        for name in names:
            text = carrier(name, rng) if rng.random() < 0.6 else name
            if "," in name:
                # "Kwon, Ji-woo": a pause between the names, kept in the order said (a comma
                # is no proof of "Last, First": "John, Smith" is a pause too)
                text = name
            expected = name.replace(",", "")
            rows.append(
                {"kind": "name", "tradition": tradition, "text": text, "expected": expected}
            )
    for text in OTHERS:
        rows.append({"kind": "other", "tradition": "—", "text": text, "expected": None})
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            text = json.dumps(row, ensure_ascii=False)
            fh.write(unicodedata.normalize("NFC", text) + "\n")  # as STT writes it
    names = sum(1 for r in rows if r["kind"] == "name")
    print(f"{names} names, {len(rows) - names} non-names → {OUT}")


if __name__ == "__main__":
    main()
