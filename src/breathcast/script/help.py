"""How to write an exercise, in her words: each part of the format with a Dutch example. The
studio's Hulp page shows it as it is here, and a test holds it to the parser (every example
reads well) and to the reference (every form is in it), so the three say the same."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Help:
    form: str  # how it is written: `[pauze 5s]`
    title: str  # what it is, in a few words
    text: str  # what it does and when to use it, in plain Dutch
    example: str  # a piece of an exercise that uses it (it reads well as it is)


FRONT = """---
title: Water & Rust
description: Een korte ademoefening om uit je hoofd te zakken.
melody: under
---"""

WRITING = (
    Help(
        "Een regel tekst",
        "Wat de stem zegt",
        "Elke regel met tekst is één zin die de stem uitspreekt. Na elke regel is er een "
        "korte stilte. Eindigt een regel op ..., dan is die stilte wat langer.",
        "Ga comfortabel zitten of liggen.\nLeg je hand op je buik.",
    ),
    Help(
        "Een lege regel",
        "Een rustpunt",
        "Een lege regel tussen twee stukken tekst geeft een wat langere stilte, zoals tussen "
        "twee alinea's. Meer lege regels achter elkaar tellen als één.",
        "Voel hoe je buik meebeweegt.\n\nEn laat dan alles even los.",
    ),
    Help(
        "# Hoofdstuk",
        "Een nieuw hoofdstuk",
        "Een regel die begint met # is de naam van een hoofdstuk. De luisteraar ziet de "
        "hoofdstukken in haar podcast-app en kan ernaartoe springen.",
        "# Aankomen\nGa comfortabel zitten.",
    ),
    Help(
        "[pauze 5s]",
        "Een stilte",
        "Een stilte van zoveel seconden (5s) of minuten (2m, of 1m30s). Anderhalve seconde "
        "schrijf je als 1,5s. Een pauze duurt hooguit 10 minuten.",
        "Sluit je ogen.\n[pauze 5s]\nWaar voel je je adem?",
    ),
    Help(
        "[adem 6x]",
        "Samen ademen",
        "Zes keer rustig in- en uitademen, met de zachte toon die het ritme aangeeft. Het "
        "ritme (zoals 4:6) schrijf je niet in de tekst: dat kies je per versie, bij "
        "Ademritme. Dus [adem 3x], niet [adem 4:6 x3].",
        "Adem rustig in door je neus, en nog rustiger uit.\n[adem 6x]",
    ),
    Help(
        "[adem 2m]",
        "Een tijd lang ademen",
        "Ongeveer twee minuten ademen, in hele ademhalingen. Hoeveel het er zijn, hangt af "
        "van het ritme van de versie.",
        "Adem mee met de toon.\n[adem 2m]",
    ),
    Help(
        "[adem 2m cues]",
        "Ademen met de stem erbij",
        "Met cues zegt de stem bij de eerste ademhalingen zacht Adem in. en En uit., zodat "
        "je luisteraar het ritme vindt. Dat kan bij [adem 6x cues] ook.",
        "We ademen samen.\n[adem 2m cues]",
    ),
    Help(
        "[optioneel]",
        "Mag weg in een kortere versie",
        "Direct onder een hoofdstuk: dat hoofdstuk mag wegvallen in de kortere versies. Na "
        "een lege regel: de alinea eronder mag wegvallen. Alleen zoveel valt weg als nodig "
        "is. Zonder lengtes bovenaan verandert het niets.",
        "# Een beeld\n[optioneel]\nStel je een rustig meer voor.",
    ),
    Help(
        "[optioneel 2]",
        "In welke volgorde iets weg mag",
        "Met een nummer zeg je wat eerst weg mag: [optioneel 1] als eerste, dan "
        "[optioneel 2], enzovoort. Delen zonder nummer gaan als laatste.",
        "Voel je voeten op de grond.\n\n[optioneel 2]\nVoel ook je handen, warm en zwaar.",
    ),
    Help(
        "[uitfaden 5m]",
        "Zacht laten uitklinken",
        "Op de laatste regel: het water of je muziek klinkt na de laatste woorden nog vijf "
        "minuten door en wordt steeds zachter, zonder toon. Fijn voor het slapengaan. "
        "Bovenaan staat dan ambient: water (of je eigen muziek).",
        "Slaap zacht.\n[uitfaden 5m]",
    ),
    Help(
        "melody: under",
        "Instellingen bovenaan",
        "Tussen twee regels --- staan bovenaan de titel en de beschrijving, en wat je verder "
        "wilt instellen, elk als naam: waarde. Met melody: under begint de stem al tijdens "
        "de melodie, in plaats van erna.",
        FRONT,
    ),
)

# What each front-matter key is for, in her words (the Hulp page lists them under the example).
FRONT_WORDS = {
    "title": "de naam van de oefening",
    "description": "een zin of twee over de oefening, voor de pagina en de podcast",
    "ratios": "welke ademritmes deze oefening krijgt, zoals 4:6, 4:4 (anders die van je "
    "instellingen)",
    "ambient": "een achtergrond: water, of je eigen muziek, zoals music/zee.mp3",
    "tempo": "hoe snel de stem spreekt: 0,9 is wat langzamer, 1,1 wat sneller",
    "order": "de plek op de pagina: 1 staat bovenaan",
    "recommended": "het ritme dat de pagina aanraadt aan wie nieuw is, zoals 4:6",
    "engine": "opname: de oefening klinkt met je eigen stem",
    "lengths": "de lengtes waarin de oefening gemaakt wordt, zoals 3m, 7m",
    "group": "het kopje op de pagina waaronder ze staat, zoals Mini-momenten",
    "melody": "under: de stem begint al tijdens de melodie aan het begin",
}


def example_script(entry: Help) -> str:
    """The example as a whole exercise (it needs a title and a line of its own)."""
    if entry.example.startswith("---"):
        return entry.example + "\nWelkom.\n"
    ambient = "ambient: water\n" if "[uitfaden" in entry.example else ""
    lengths = "lengths: 3m\n" if "[optioneel" in entry.example else ""
    return f"---\ntitle: Voorbeeld\n{ambient}{lengths}---\nWelkom.\n\n{entry.example}\n"
