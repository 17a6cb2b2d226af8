"""Every setting of `breathcast.toml` in plain Dutch: what it does, in words she can follow.
`breathcast init` writes them above each setting in a new project's settings file."""

from __future__ import annotations

TOP = {
    "ratios": 'De ademritmes die je aanbiedt: tellen in en tellen uit, zoals "4:6". '
    "Van elke oefening komt er één versie per ritme.",
    "engine": 'Welke stem voorleest: "auto" (de Google-stem als internet er is, anders de '
    'computerstem), "gtts" (de Google-stem), "espeak" (de computerstem, alleen om te '
    'proberen) of "opname" (je eigen stem).',
    "scripts_dir": "De map met je oefeningen.",
    "voice_dir": "De map waarin de studio voorgelezen zinnen bewaart (mag leeg worden gemaakt).",
    "build_dir": "De map waarin de gemaakte geluidsbestanden en je site komen.",
    "recordings_dir": "De map met je eigen opnames. Die wordt nooit leeggemaakt.",
}

VOICE = {
    "lang": 'De taal van de stem ("nl" is Nederlands).',
    "gtts_tld": "Via welk Google-adres de Google-stem komt (meestal com).",
    "gtts_slow": "De Google-stem extra langzaam (true) of gewoon (false).",
    "gtts_timeout_s": "Hoeveel seconden de studio op Google wacht.",
    "espeak_voice": "De taal van de computerstem.",
    "espeak_wpm": "Hoe snel de computerstem praat, in woorden per minuut.",
    "tempo": "Hoe snel elke stem praat: 1.0 is gewoon, 0.9 iets rustiger. "
    "Een oefening kan zelf een tempo kiezen.",
    "tts_jobs": "Hoeveel zinnen tegelijk worden voorgelezen.",
    "retry_budget_s": "Hoe lang (in seconden) de studio het opnieuw probeert als de stem "
    "niet antwoordt.",
}

SOUND = {
    "sample_rate": "De geluidskwaliteit in Hz. Laat dit op 44100 staan.",
    "bitrate": "Hoe scherp het mp3-bestand klinkt; hoger is groter.",
    "opus": "Naast elk mp3-bestand ook een kleiner bestand (Opus) voor luisteraars.",
    "opus_bitrate": "Hoe scherp dat kleinere bestand klinkt.",
    "loudness_lufs": "Hoe luid elke oefening is, gemeten zoals je het hoort. "
    "-16 is wat podcast-apps vragen.",
    "loudness_mode": 'Zo wordt de luidheid gemeten: "dual-mono" (zoals uit twee speakers) '
    'of "mono".',
    "true_peak_dbtp": "Het hardste stukje mag nooit boven deze grens komen.",
    "lead_in_s": "Stilte aan het begin, in seconden.",
    "tail_s": "Stilte aan het eind, in seconden.",
    "line_gap_s": "De stilte na elke zin, in seconden.",
    "ellipsis_pause_s": "Extra stilte na een zin die eindigt op ...",
    "paragraph_pause_s": "De stilte bij een lege regel in je tekst.",
    "speech_level_dbfs": "Hoe luid de stem is voordat alles samen op de goede luidheid komt.",
    "speech_crest_db": "Hoeveel harder dan gemiddeld een klank in de stem mag pieken.",
    "tone_level_db": "Hoe zacht de ademtoon onder de stem ligt (meer min is zachter).",
    "tone_low_hz": "De laagste toon, aan het eind van de uitademing.",
    "tone_high_hz": "De hoogste toon, bovenaan de inademing.",
    "tone_hold_level": "Hoe luid de toon is als je de adem vasthoudt: 0 is stil, 1 is even luid.",
    "chimes": "Een zacht belletje bij elke ademfase: hoog bij in, laag bij uit.",
    "chime_level_db": "Hoe luid het belletje is, ten opzichte van de toon.",
    "bed_level_db": "Hoe zacht de achtergrond (het water) onder de stem ligt.",
    "ambient_fade_in_s": "Hoe lang de achtergrond erbij komt aan het begin, in seconden.",
    "ambient_fade_out_s": "Hoe lang de achtergrond wegzakt aan het eind, in seconden.",
    "music_crossfade_s": "Waar je eigen muziek opnieuw begint, loopt hij zo lang in elkaar over.",
    "cue_cycles": "Bij [adem 6x cues] zegt de stem zo veel keer in en uit.",
    "melody": 'Het melodietje aan het begin en eind: "chime" (het liedje van de studio), '
    '"" (geen), of je eigen korte bestand, zoals "music/liedje.mp3".',
    "melody_level_db": "Hoe zacht het melodietje onder de stem ligt.",
    "melody_gap_s": "De stilte tussen het melodietje en de eerste woorden.",
    "duck_db": "Hoeveel zachter toon en achtergrond worden als de stem spreekt.",
    "duck_lookahead_s": "Zo veel eerder worden ze al zachter.",
    "duck_release_s": "Zo langzaam komen ze daarna terug.",
    "duck_hold_s": "Tussen zinnen die dichter bij elkaar liggen dan dit, blijven ze zacht.",
}

PODCAST = {
    "title": "De naam van je podcast en je downloadpagina.",
    "author": "Wie de oefeningen maakt: jouw naam of die van je praktijk.",
    "description": "Eén of twee zinnen over je podcast.",
    "language": 'De taal van je podcast ("nl").',
    "genre": "Het soort muziek in de mp3-bestanden (voor muziekspelers).",
    "cover": "Je eigen plaatje: een vierkante JPEG of PNG in music/, 1400 tot 3000 pixels. "
    "Leeg: music/cover.jpg of music/cover.png, of anders een rustig plaatje met de titel.",
    "site_url": 'Het adres van je site, zoals "https://jouwwebsite.nl/rust". '
    "De studio vraagt het één keer.",
    "category": "Het onderwerp van je podcast in Apple Podcasts.",
    "subcategory": 'Het kleinere onderwerp daarbinnen, of "".',
    "owner_name": "Naar wie Apple schrijft (leeg: de maker hierboven).",
    "owner_email": "Jouw e-mailadres: Apple vraagt het om je podcast te kunnen tonen.",
    "host": "Wiens stem je hoort (leeg: de maker hierboven).",
    "type": '"episodic" (los te luisteren) of "serial" (op volgorde).',
    "medium": 'Wat voor feed dit is; laat dit op "podcast" staan.',
    "locked": "Andere podcastsites mogen je feed niet overnemen (true).",
    "every_ratio": "In de podcast elk ademritme (true), of alleen het aangeraden ritme (false).",
    "funding_url": "Een pagina waar luisteraars je werk kunnen steunen (mag leeg).",
    "funding_text": "De woorden bij die pagina.",
    "apple_verify": "Een code van Apple, als Apple vraagt te bewijzen dat de feed van jou is.",
    "new_feed_url": "Alleen als je feed ooit verhuist: het nieuwe adres.",
}

DEPLOY = {
    "kind": 'Het soort website: "sftp", "ftp", "ftps", "webdav", "s3" of "folder" '
    "(een map op deze computer). De studio vult dit in bij Zet online.",
    "host": "Het adres van je webhosting, zoals ftp.jouwwebsite.nl.",
    "port": "De poort; 0 is de gewone poort voor dit soort website.",
    "user": "Je gebruikersnaam bij je webhosting.",
    "path": "De map op je website, zoals public_html/rust.",
    "remote": "Een verbinding die rclone al kent (voor wie dat gebruikt).",
    "grace_days": "Oude geluidsbestanden blijven zo veel dagen staan, want apps onthouden "
    "de vorige feed een tijdje.",
    "max_deletes": "Nooit meer dan zo veel bestanden tegelijk weghalen zonder te vragen.",
    "bandwidth": 'Hoe snel er mag worden verstuurd, zoals "2M", zodat je internet bruikbaar '
    'blijft ("" is zo snel als het kan).',
}

# Each table of breathcast.toml ("" for the top level) and its words; no password is ever here.
SETTING_WORDS = {"": TOP, "voice": VOICE, "sound": SOUND, "podcast": PODCAST, "deploy": DEPLOY}
TABLE_WORDS = {
    "voice": "De stem.",
    "sound": "Het geluid. Deze staan goed zoals ze zijn; verander ze alleen als je weet waarom.",
    "podcast": "Je podcast: de naam, jij, en wat Apple en Spotify willen weten.",
    "deploy": "Waar je site online komt. Een wachtwoord staat hier nooit.",
}
