"""Seeded generator of synthetic archives: `python bench/generate.py N OUTDIR [--seed S]`.

Writes OUTDIR/content/<id>.md (Markdown + YAML front matter in the record model's own
field names; the id is the file name) and OUTDIR/archivist.yaml. Records look like
diplomatic documents (telegrams, memoranda of conversation, letters...) with people
drawn from a Zipf-weighted pool (so people pages have many records), dates written as
archivists write them, lognormal body sizes (median ~5 KB, mean ~6 KB), speaker turns,
editorial marks and footnotes. Every name, place and archive is invented, and every
summary says the record is synthetic.

Output is byte-identical for a given (N, seed): the shared pools come from one seeded
generator and record i from its own generator seeded with `seed/i`. Files are written
one at a time, so memory stays flat as N grows.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

GENERATOR_VERSION = 1
MANIFEST = "generated.json"


def _words(text: str) -> list[str]:
    return text.split()


# fmt: off
_COMMON = _words("""the of and to in that a is be for on with as by this it not are was at from which
have has will would should government ministry question position view situation matter
meeting talks conversation proposal agreement treaty delegation embassy ambassador minister
foreign affairs party committee council conference negotiations security military economic
political relations cooperation support assistance trade aid loan credit industry production
plan policy programme development problem problems interests side sides country countries
state states people peoples leadership comrade comrades president premier chairman secretary
general representative representatives mission instructions report reports telegram cable
information opinion opinions attitude understanding discussion discussions talks statement
declaration communique note memorandum draft text article articles paragraph clause provision
provisions settlement conflict war peace border frontier territory forces troops army navy
weapons nuclear atomic missile missiles bases withdrawal occupation sovereignty independence
recognition elections parliament congress assembly united nations resolution vote votes
majority minority support oppose opposed agreed agree believes believe considered consider
stated said replied asked noted stressed emphasized expressed hoped suggested proposed
informed explained added pointed out raised concerned regard regarding concerning connection
time present future past year years month months week weeks day days recent recently soon
later earlier first second third new old great important serious possible necessary
difficult clear certain further full direct immediate special particular general common
mutual bilateral multilateral international national regional domestic internal external
western eastern northern southern capital city province region area zone port rail road
grain oil coal steel machinery equipment goods prices payments currency budget finance bank
press newspaper radio propaganda public opinion students workers peasants intellectuals
church religious minority refugees prisoners visit visits invitation delegation exchange
exchanges cultural scientific technical experts specialists advisers officials staff
department section office headquarters government's ministry's party's however therefore
moreover nevertheless accordingly also only still even already again must may might can
could shall very more most less least much many few several some any all every each both
either neither other another such same own whole part parts number terms basis account
order case fact point points line lines approach way means measures steps action actions
""")

_GIVEN = {
    "a": _words("Anton Boris Dmitri Elena Galina Igor Irina Ivan Katya Leonid Maxim Mikhail Nadia "
         "Oleg Pavel Roman Sergei Tamara Viktor Yuri Zoya Arkady Lyudmila Vera"),
    "b": _words("Zoltán Ágnes Béla Csaba Dénes Erzsébet Gábor Ilona Lajos Márta Tibor Éva "
         "Łukasz Małgorzata Paweł Wojciech Zofia Jiří Tomáš Věra Miloš Dragan Jovanka"),
    "c": _words("Søren Åse Bjørn Ingrid Mette Ørjan Sigrid Torbjørn Henrik Astrid Lars Karin "
         "Jürgen Grete Dieter Hannelore Klaus Ursula Wolfgang Brigitte Günther Renate"),
    "d": _words("José María Joaquín Inés Ramón Lucía Andrés Beatriz Tomás Dolores Ignacio Pilar "
         "João Conceição Sebastião Adélia Henri Élise François Geneviève Amélie Théo"),
    "e": _words("Wei Ling Ming Hua Jian Mei Qiang Yan Hiroshi Keiko Takeshi Yumi Minh Lan "
         "Duc Hoa Sung Ji-won Hyun Young-ho Arjun Priya Rahul Lakshmi Kwame Ama Kofi"),
    "f": _words("Walter Margaret Robert Eleanor Harold Dorothy Charles Helen Arthur Joan George "
         "Alice Edward Ruth Francis Edith Raymond Frances Douglas Mildred Gerald Agnes"),
}
_SURNAMES = {
    "a": _words("Abramov Belyaev Chernov Dubrov Yegorov Fomin Gusev Karpov Lebedev Morozov Nikitin "
         "Orlov Petrenko Rudakov Sokolov Tarasov Uvarov Volkov Zhukov Kuzmin Belinsky"),
    "b": _words("Kővári Szabó Tóth Horváth Varga Kiss Molnár Wróbel Kowalczyk Nowicki Zieliński "
         "Dvořák Novotný Procházka Kučera Petrović Jovanović Marković Đorđević Nikolić"),
    "c": _words("Ødegaard Halvorsen Lindqvist Bergström Åkesson Kristiansen Nyström Sørensen "
         "Müller Schröder Weiß Köhler Bäcker Hoffmann Schulze Krüger Vogt Lößner"),
    "d": _words("Muñoz Fernández Núñez Gutiérrez Ibáñez Castaño Peña Ortega Salgado Figueroa "
         "Gonçalves Magalhães Araújo Simões Lefèvre Bérenger Dufresne Rousseau Mercier"),
    "e": _words("Zhang Liu Chen Huang Zhou Wu Tanaka Sato Yamada Kobayashi Nguyễn Trần Phạm "
         "Lê Kim Park Choi Sharma Iyer Menon Mensah Owusu Boateng"),
    "f": _words("Whitmore Ashford Pembroke Caldwell Thornton Hargrove Fairbanks Mallory Winslow "
         "Prescott Langford Ellison Redfield Kingsley Haworth Bramwell Stanton Aldridge"),
}
_OFFICES = """Ambassador|Foreign Minister|Deputy Foreign Minister|Premier|Prime Minister|
First Secretary|Chargé d'Affaires|Counsellor|Minister of Defence|Party Secretary|
Chairman of the Council|Head of Department|Military Attaché|Consul General|Interpreter|
Secretary of State|Under-Secretary|Permanent Representative|Trade Representative""".replace("\n", "").split("|")

_SYLLABLES = _words("""ka lo mi ra ven tor sa bel dra mor ne li an os tu vel ga rin ko sta pri zel
ma dor ul be tra vo fen ish ar chel gro ni pa lus sem te van bor ki ro za el du
""")
_CYRILLIC = _words("ка ло ми ра вен тор са бел дра мор не ли ан ос ту вел га рин ко ста при")

_TYPES: tuple[tuple[str, int], ...] = (
    ("Telegram", 24), ("Memorandum of Conversation", 16), ("Letter", 15), ("Report", 12),
    ("Minutes", 8), ("Record of Conversation", 9), ("Cable", 6), ("Diary", 3), ("Note", 7),
)
_LANGUAGES: tuple[tuple[str, int], ...] = (
    ("English", 55), ("Russian", 12), ("German", 8), ("Chinese", 6), ("French", 6),
    ("Polish", 4), ("Hungarian", 3), ("Spanish", 3), ("Czech", 2), ("Japanese", 1),
)
_CLASSIFICATIONS = ("Top Secret", "Secret", "Confidential", "Strictly Secret", "Restricted",
                    "Secret, Copy 1", "Top Secret, Special File")
_ROLES_CONVERSATION = ("speaker", "speaker", "participant")
_MARKS = ("[sic]", "[illegible]", "[...]", "[handwritten:]", "[?]", "[one word illegible]",
          "[Translator's note: the original is unclear here]", "[Passage excised]")
_RIGHTS = (
    "Synthetic benchmark record; no rights reserved (CC0).",
    "Synthetic text for testing only. Reuse freely; this is not a historical document.",
)
# fmt: on


def _zipf_cum(n: int, s: float) -> list[float]:
    return list(accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def _pseudo_word(rng: random.Random, syllables: Sequence[str], lo: int = 2, hi: int = 4) -> str:
    return "".join(rng.choice(syllables) for _ in range(rng.randint(lo, hi)))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slug(text: str, limit: int = 48) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", _fold(text).lower()).strip("-")
    return slug[:limit].rstrip("-") or "record"


@dataclass(frozen=True, slots=True)
class PersonEntry:
    name: str
    surname: str
    office: str


@dataclass(frozen=True, slots=True)
class Pools:
    """Everything shared across records, built once from the seed."""

    sentences: tuple[str, ...]
    people: tuple[PersonEntry, ...]
    people_cum: tuple[float, ...]
    places: tuple[str, ...]
    countries: tuple[str, ...]
    archives: tuple[str, ...]
    subjects: tuple[str, ...]
    subjects_cum: tuple[float, ...]


def people_pool_size(n: int) -> int:
    """A few hundred people for 1k records, ~2,700 for 100k."""
    return 200 + int(8 * math.sqrt(n))


def build_pools(n: int, seed: int) -> Pools:
    rng = random.Random(f"pools/{seed}")
    tail = sorted({_pseudo_word(rng, _SYLLABLES) for _ in range(15000)})
    rng.shuffle(tail)
    vocab = _COMMON + tail
    vocab_cum = _zipf_cum(len(vocab), 1.1)
    sentences = []
    for _ in range(30000):
        words = rng.choices(vocab, cum_weights=vocab_cum, k=rng.randint(6, 28))
        if len(words) > 10 and rng.random() < 0.35:
            words[rng.randrange(3, len(words) - 3)] += rng.choice((",", ",", ";", " —"))
        sentences.append(words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".....?"))
    countries = sorted({_pseudo_word(rng, _SYLLABLES, 2, 3).capitalize() + rng.choice(("ia", "ia", "land", "stan", "a", "ovia"))
                        for _ in range(60)})  # fmt: skip
    places = sorted({_pseudo_word(rng, _SYLLABLES, 2, 3).capitalize() + rng.choice(("", "", "sk", "grad", "burg", " City", "ville"))
                     for _ in range(220)})  # fmt: skip
    archives = sorted(
        {
            rng.choice(
                (
                    "State Archive of {c}",
                    "{c} Foreign Ministry Archive",
                    "Central Party Archive of {c}",
                    "National Archives of {c}",
                    "Presidential Library of {c}",
                    "{c} Military Historical Archive",
                )
            ).format(c=rng.choice(countries))
            for _ in range(40)
        }
    )
    topics = ("Foreign relations", "Nuclear weapons", "Trade", "Economic assistance",
              "Military cooperation", "Border disputes", "Elections", "Refugees",
              "Disarmament", "Propaganda", "Intelligence", "Treaties", "Oil industry",
              "Agriculture", "Students", "Religion and state")  # fmt: skip
    subjects = sorted(
        {f"{rng.choice(countries)}--Foreign relations--{rng.choice(countries)}" for _ in range(250)}
        | {f"{t}--{rng.choice(countries)}" for t in topics for _ in range(6)}
        | set(topics)
    )
    subj = list(subjects)
    rng.shuffle(subj)
    people: dict[str, PersonEntry] = {}
    cultures = sorted(_GIVEN)
    while len(people) < people_pool_size(n):
        culture = rng.choice(cultures)
        given, surname = rng.choice(_GIVEN[culture]), rng.choice(_SURNAMES[culture])
        if rng.random() < 0.25:  # a middle initial keeps the pool large without odd names
            given += f" {rng.choice('ABCDEFGHIJKLMNOPRSTVW')}."
        name = (
            f"{surname} {given}" if culture == "e" and rng.random() < 0.5 else f"{given} {surname}"
        )
        people.setdefault(name, PersonEntry(name, surname, rng.choice(_OFFICES)))
    pool = list(people.values())
    rng.shuffle(pool)
    return Pools(
        sentences=tuple(sentences),
        people=tuple(pool),
        people_cum=tuple(_zipf_cum(len(pool), 0.8)),
        places=tuple(places),
        countries=tuple(countries),
        archives=tuple(archives),
        subjects=tuple(subj),
        subjects_cum=tuple(_zipf_cum(len(subj), 0.9)),
    )


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _date(rng: random.Random) -> tuple[str | None, str]:
    """(date as written or None for no field, a long form for datelines in the body)."""
    year = int(rng.triangular(1917, 1991, 1956))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    long = f"{day} {_MONTHS[month - 1]} {year}"
    r = rng.random()
    if r < 0.50:
        return f"{_MONTHS[month - 1]} {day}, {year}", long
    if r < 0.56:
        return long, long
    if r < 0.62:
        return f"{year}-{month:02d}-{day:02d}", long
    if r < 0.77:
        return f"{_MONTHS[month - 1]} {year}", f"{_MONTHS[month - 1]} {year}"
    if r < 0.87:
        return str(year), str(year)
    if r < 0.92:
        return f"c. {year}", str(year)
    if r < 0.95:
        return "undated", "[undated]"
    return None, "[undated]"


_PLAIN_START = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`]")


def yaml_scalar(value: str) -> str:
    """A YAML scalar for `value`: plain where it is safe, else JSON-style double quotes."""
    if (
        _PLAIN_START.match(value)
        and ": " not in value
        and " #" not in value
        and not value.endswith((":", " "))
        and "\n" not in value
        and "\t" not in value
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Generated:
    """One record, ready to write."""

    id: str
    text: str


def _title(kind: str, people: Sequence[PersonEntry], rng: random.Random, pools: Pools) -> str:
    a = people[0].name
    b = people[1].name if len(people) > 1 else f"the {rng.choice(pools.countries)} Embassy"
    if kind in ("Telegram", "Cable"):
        if rng.random() < 0.3:
            return f"{kind} from the Embassy in {rng.choice(pools.places)} to the Ministry of Foreign Affairs"
        return f"{kind}, {a} to {b}"
    if kind == "Memorandum of Conversation":
        return f"Memorandum of Conversation between {a} and {b}"
    if kind == "Record of Conversation":
        office = people[0].office
        return f"Record of Conversation of {office} {a} [{people[0].surname}] and {b}"
    if kind == "Letter":
        return f"Letter from {a} to {b}"
    if kind == "Report":
        return f"Report, {a} to {b}, 'On the {rng.choice(pools.subjects).split('--')[0]} Question'"
    if kind == "Minutes":
        return f"Minutes of the Meeting of the {rng.choice(pools.countries)} Council of Ministers"
    if kind == "Diary":
        return f"Diary of {a}"
    return f"Note by {a} on the Situation in {rng.choice(pools.places)}"


def _paragraph(rng: random.Random, pools: Pools, people: Sequence[PersonEntry], place: str) -> str:
    parts = [rng.choice(pools.sentences) for _ in range(rng.randint(2, 7))]
    r = rng.random()
    if r < 0.35:
        who = rng.choice(people)
        parts.insert(
            rng.randrange(len(parts) + 1),
            rng.choice(
                (
                    "{n} stated that the position of {p} had not changed.",
                    "In reply, {n} noted that the delegation in {p} would report by {d} {m}.",
                    "{s} asked whether the proposal of No. {k}/{d} had reached {p}.",
                    "According to {n}, about {k} persons were affected near {p}.",
                )
            ).format(
                n=who.name,
                s=who.surname,
                p=place,
                d=rng.randint(1, 28),
                m=rng.choice(_MONTHS),
                k=rng.randint(2, 9999),
            ),
        )
    elif r < 0.40:
        parts.append(
            f"The operation is referred to as “{_pseudo_word(rng, _SYLLABLES, 3, 5).capitalize()}”."
        )
    if rng.random() < 0.15:
        parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(_MARKS))
    if rng.random() < 0.02:
        parts.append(
            "[Russian original:] "
            + " ".join(_pseudo_word(rng, _CYRILLIC) for _ in range(rng.randint(4, 12)))
            + "."
        )
    return " ".join(parts)


def _body(
    rng: random.Random,
    pools: Pools,
    kind: str,
    people: Sequence[PersonEntry],
    place: str,
    long_date: str,
    classification: str | None,
) -> str:
    target = min(150_000, max(400, int(rng.lognormvariate(math.log(4600), 0.6))))
    out: list[str] = []
    size = 0
    conversational = kind in ("Memorandum of Conversation", "Record of Conversation", "Minutes")
    if kind in ("Telegram", "Cable"):
        out.append(f"{kind} No. {rng.randint(1, 999)} {place.upper()}, {long_date}")
        if classification:
            out.append(classification.upper())
    elif conversational:
        out.append(f"Time: {rng.randint(1, 12)}.{rng.randint(0, 59):02d} p.m.")
        out.append(f"Place: {place}")
        out.append("Participants: " + ", ".join(p.name for p in people))
    elif kind == "Letter":
        out.append(f"{place}, {long_date}")
        addressee = people[1] if len(people) > 1 else people[0]
        out.append(f"Dear {addressee.office} {addressee.surname},")
    notes: list[str] = []
    numbered = kind in ("Telegram", "Cable", "Report") and rng.random() < 0.5
    n = 0
    while size < target:
        n += 1
        text = _paragraph(rng, pools, people, place)
        if conversational and rng.random() < 0.75:
            speaker = people[n % len(people)]
            label = speaker.surname if rng.random() < 0.85 else speaker.name
            text = f"[{label}:] {text}" if rng.random() < 0.8 else f"{label}: {text}"
            if rng.random() < 0.1:
                other = people[(n + 1) % len(people)].surname
                text += f" ({other}: {rng.choice(pools.sentences)})"
        elif numbered:
            text = f"{n}. {text}"
        if rng.random() < 0.12:
            notes.append(
                f"[^{len(notes) + 1}]: {rng.choice(pools.sentences)} See Document {rng.randint(1, 400)}."
            )
            text += f"[^{len(notes)}]"
        if rng.random() < 0.03:
            out.append(rng.choice(("## Annex", "## Attachment", "**Enclosure**")))
        out.append(text)
        size += len(text) + 2
    if kind in ("Telegram", "Cable", "Report"):
        out.append(f"({people[0].surname})")
    elif kind == "Letter":
        out.append(f"Yours sincerely,\n{people[0].name}")
    out.extend(notes)
    return "\n\n".join(out) + "\n"


def generate_record(i: int, seed: int, pools: Pools) -> Generated:
    """Record number `i` (0-based) of the archive for `seed`."""
    rng = random.Random(f"{seed}/{i}")
    kind = rng.choices([t for t, _ in _TYPES], weights=[w for _, w in _TYPES])[0]
    count = rng.choices((1, 2, 3, 4), weights=(15, 55, 20, 10))[0]
    chosen: list[PersonEntry] = []
    while len(chosen) < count:
        person = rng.choices(pools.people, cum_weights=pools.people_cum)[0]
        if person not in chosen:
            chosen.append(person)
    title = _title(kind, chosen, rng, pools)
    date, long_date = _date(rng)
    place = rng.choice(pools.places)
    classification = rng.choice(_CLASSIFICATIONS) if rng.random() < 0.6 else None
    names = [name for name, _ in _LANGUAGES]
    if rng.random() < 0.1:
        languages = rng.sample(names, 2)
    else:
        languages = rng.choices(names, weights=[w for _, w in _LANGUAGES])
    archive = rng.choice(pools.archives)
    subjects = sorted(
        set(rng.choices(pools.subjects, cum_weights=pools.subjects_cum, k=rng.randint(1, 4)))
    )
    other = chosen[1].name if len(chosen) > 1 else "officials"
    head = subjects[0].split("--")
    topic = f"relations between {head[0]} and {head[2]}" if len(head) == 3 else head[0].lower()
    summary = (
        f"Synthetic benchmark record (not a historical document). {chosen[0].name} and {other} "
        f"discuss {topic} and the situation in {place}."
    )
    source = (
        f"{archive}, Fond {rng.randint(1, 99)}, Opis {rng.randint(1, 40)}, "
        f"Delo {rng.randint(1, 2000)}, Listy {rng.randint(1, 50)}-{rng.randint(51, 120)}."
    )
    if rng.random() < 0.3:
        source += f" Translated by {rng.choice(pools.people).name}."
    roles: list[tuple[str, str]] = []
    for k, person in enumerate(chosen):
        if kind in ("Telegram", "Cable", "Letter", "Report"):
            role = ("sender", "recipient")[k] if k < 2 else "copied"
        elif kind in ("Memorandum of Conversation", "Record of Conversation"):
            role = person.office if rng.random() < 0.4 else _ROLES_CONVERSATION[k % 3]
        else:
            role = "author" if k == 0 else "mentioned"
        roles.append((person.name, role))

    lines = ["---", f"title: {yaml_scalar(title)}"]
    if date is not None:
        lines.append(f"date: {yaml_scalar(date)}")
    lines.append(f"type: {yaml_scalar(kind)}")
    if len(languages) == 1:
        lines.append(f"language: {yaml_scalar(languages[0])}")
    else:
        lines.append("language:")
        lines.extend(f"  - {yaml_scalar(lang)}" for lang in languages)
    if rng.random() < 0.85:
        lines.append(f"place: {yaml_scalar(place)}")
    if classification:
        lines.append(f"classification: {yaml_scalar(classification)}")
    lines.append(f"archive: {yaml_scalar(archive)}")
    lines.append(f"source: {yaml_scalar(source)}")
    lines.append(f"rights: {yaml_scalar(rng.choice(_RIGHTS))}")
    lines.append(f"summary: {yaml_scalar(summary)}")
    lines.append("subjects:")
    lines.extend(f"  - {yaml_scalar(s)}" for s in subjects)
    lines.append("participants:")
    for name, role in roles:
        lines.append(f"  - name: {yaml_scalar(name)}")
        lines.append(f"    role: {yaml_scalar(role)}")
    lines.append("---")
    body = _body(rng, pools, kind, chosen, place, long_date, classification)
    record_id = f"{i + 1:06d}-{_slug(title)}"
    return Generated(record_id, "\n".join(lines) + "\n\n" + body)


@dataclass(frozen=True, slots=True)
class Summary:
    records: int
    bytes: int
    seconds: float


def generate(n: int, outdir: Path, seed: int = 1) -> Summary:
    """Write an archive of `n` records into `outdir` (which must not hold content/)."""
    start = time.perf_counter()
    content = outdir / "content"
    content.mkdir(parents=True, exist_ok=False)
    pools = build_pools(n, seed)
    total = 0
    for i in range(n):
        record = generate_record(i, seed, pools)
        data = record.text.encode("utf-8")
        (content / f"{record.id}.md").write_bytes(data)
        total += len(data)
    title = f"Synthetic archive ({n:,} records, seed {seed})"
    (outdir / "archivist.yaml").write_text(
        f"title: {yaml_scalar(title)}\n"
        "description: Invented records for benchmarking archivist; not historical documents.\n",
        encoding="utf-8",
    )
    seconds = time.perf_counter() - start
    manifest = {"generator": GENERATOR_VERSION, "records": n, "seed": seed, "bytes": total}
    (outdir / MANIFEST).write_text(json.dumps(manifest, sort_keys=True) + "\n", encoding="utf-8")
    return Summary(n, total, seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("records", type=int, help="number of records (N)")
    parser.add_argument("outdir", type=Path, help="site folder to create (content/ inside)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace an existing OUTDIR/content")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("N must be at least 1")
    content = args.outdir / "content"
    if content.exists():
        if not args.force:
            parser.error(f"{content} exists (use --force to replace it)")
        shutil.rmtree(content)
    summary = generate(args.records, args.outdir, args.seed)
    print(
        f"{summary.records} records, {summary.bytes / 1e6:.1f} MB "
        f"({summary.bytes / summary.records / 1000:.1f} KB/record) in {summary.seconds:.2f} s "
        f"-> {args.outdir}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
