"""The page texts in Danish and English: the one catalogue of what people read on plankg's pages.

Keys are the same in both languages (a test checks it); a page picks its language with
:func:`ui_language` (``negotiate.choose_language``: ``?lang=`` > Accept-Language > Danish).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, request

from plankg.tables.negotiate import LANGUAGES, choose_language

TEXT = {
    "da": {
        "sentence": {
            "municipality": "{name} er en dansk kommune. I dag ligger den i {region}.",
            "region": "{name} er en dansk region ({life}).",
            "cooperation": "{name} er et samarbejde mellem kommuner – {kind} – med {count} kendte medlemmer.",
            "area": "{name} er et planlægningsområde – {kind} – som {count} kommuner ligger i.",
            "unit": "{name} er en enhed under {parent}.",
            "membership": "Et medlemskab: {parent}.",
            "concept": "{name} er et begreb i kodelisten {parent}.",
            "scheme": "{name} er en kodeliste i plankg's vokabular.",
            "vocabulary": "{name} er plankg's eget vokabular.",
            "source": "{name} er en kilde til plankg's data (dato: {date}).",
            "collection": "{name}: listen over alle i plankg's data.",
            "other": "{name} er en ressource i plankg's data ({types}).",
        },
        "key_facts": {
            "regions": "Region",
            "neighbours": "Nabokommuner",
            "kind": "Slags samarbejde",
            "bodies": "Organer",
            "municipalities_today": "Kommuner i regionen i dag ({count})",
        },
        "collections": {"kommune": "Kommuner", "region": "Regioner", "samarbejde": "Samarbejder"},
        "breadcrumbs": "Du er her",
        "uri": "URI",
        "copy_uri": "Kopiér URI",
        "copied": "Kopieret",
        "for_planning": "Det gør samarbejdet for planlægningen",
        "data_view": "Alle oplysninger",
        "data_view_intro": "Hver egenskab med alle sine værdier; ved hver værdi de kilder, der siger den.",
        "downloads": "Hent data om dette",
        "about": "Om",
        "errors": {
            "400": ["Anmodningen kunne ikke forstås", "Serveren kunne ikke bruge anmodningen, som den er skrevet."],
            "403": ["Ikke tilladt", "plankg kan kun læses; intet kan ændres herfra."],
            "404": ["Ikke fundet", "plankg har intet om"],
            "405": ["Metoden er ikke tilladt", "Denne adresse svarer ikke på den slags anmodning."],
            "406": ["Formatet tilbydes ikke", "Adressen findes ikke i det ønskede format."],
            "413": ["Anmodningen er for stor", "Anmodningen er større, end plankg tager imod."],
            "414": [
                "Adressen er for lang",
                "Adressen (URL'en) er længere, end plankg tager imod. Send en lang "
                "SPARQL-forespørgsel med POST i stedet.",
            ],
            "415": ["Medietypen tilbydes ikke", "plankg kan ikke læse anmodningens indhold i den medietype."],
            "422": ["Svaret er for stort", "Svaret ville overskride plankg's grænser; afgræns forespørgslen."],
            "429": ["For mange anmodninger", "Vent lidt, og prøv igen."],
            "500": ["Der skete en fejl", "En uventet fejl er sket og skrevet i loggen."],
            "503": ["Tjenesten er optaget", "plankg kan ikke svare lige nu; prøv igen om lidt."],
        },
        "error_detail": "Teknisk forklaring (på engelsk)",
        "error_allowed": "Tilladte metoder",
        "error_offered": "Formater, der tilbydes",
        "error_next": "Videre:",
        "source_word": "kilde",
        "data_short": "Data",
        "language_tag": "sprogmærke",
        "main_navigation": "Hovedmenu",
        "facts": "Oplysninger",
        "kinds": "Slags samarbejde",
        "kind": "slags",
        "state_today": "i dag",
        "sources": "kilder",
        "notes": "plankg's noter",
        "members_today": "medlemmer i dag",
        "documented_earlier": "sidst dokumenteret tidligere",
        "known_members": "kendte medlemmer i alt",
        "region_of": "Region",
        "region_life": "Levetid",
        "region_from": "fra {date}",
        "region_until": "til og med {date}",
        "region_formed_from": "Dannet af",
        "region_succeeded_by": "Fortsat af",
        "region_municipalities": "Kommuner i regionen",
        "regions_current": "Regioner i dag",
        "regions_former": "Tidligere regioner",
        "regions_future": "Kommende regioner",
        "today_is": "I dag er",
        "search": "Søg",
        "results_title": "Svar på forespørgslen",
        "results_query": "Forespørgslen",
        "results_rows": "rækker",
        "results_yes": "Ja (sand)",
        "results_no": "Nej (falsk)",
        "results_editor": "Åbn forespørgselssiden",
        "results_syntax": "Forespørgslen har en syntaksfejl",
        "results_failed": "Forespørgslen kunne ikke besvares",
        "results_where": "Fejlen er i linje {line}, kolonne {column}. Serverens forklaring (på engelsk):",
        "results_download": "Hent svaret som SPARQL JSON",
        "search_label": "Søg efter kommune, region, samarbejde …",
        "search_title": "Søgning",
        "search_none": "Intet fundet for",
        "search_hits": "Fundet for",
        "search_refused": "Søgningen kunne ikke udføres",
        "kind_names": {
            "municipality": "kommune",
            "region": "region",
            "cooperation": "samarbejde",
            "unit": "enhed",
            "source": "kilde",
            "concept": "begreb",
        },
        "parts": "Dele",
        "incoming": "Henvisninger hertil",
        "property": "egenskab",
        "value": "værdi",
        "source": "kilde (graf)",
        "subject": "emne",
        "formats": "Andre formater",
        "next": "næste side",
        "of": "af",
        "links": "indgående links",
        "home": "Forside",
        "cooperations": "Samarbejder",
        "municipalities": "Kommuner",
        "regions": "Regioner",
        "query": "SPARQL-forespørgsler",
        "download": "Datasæt og download",
        "language": "English",
        "memberships": "Medlemskaber",
        "cooperation": "samarbejde",
        "member": "medlem",
        "from": "fra",
        "to": "til",
        "seen": "kendt medlem på dagen",
        "characters": "tegn i alt; hele værdien står i de andre formater",
        "registry": "Registre og links",
        "registry_kind": {
            "code_municipality": "Kommunekode",
            "code_region": "Regionskode",
            "dagi": "DAGI-id",
            "dawa": "DAWA-adresse (historisk: DAWA lukkede i 2026)",
            "wikidata": "Wikidata",
        },
        "registry_source": "kilde",
        "registry_date": "dato",
        "map": "Kort",
        "map_title": "Kort over samarbejder om planstrategien",
        "map_intro": "Kommunerne farvet efter de tværkommunale samarbejder, de er medlem af på den valgte dato. "
        "Vælg hvilke slags samarbejder kortet viser (KKR og Fingerplanens område dækker hele landet eller en region "
        "og er slået fra, til du vælger dem). Hold musen over en kommune for navn og samarbejder; klik for at se "
        "kommunens side med kilder.",
        "map_rule": "Et medlemskab er »medlem« på en dag, når dagen ligger fra dets begyndelse til dets ophør, eller "
        "når en kilde viser det den dag (fuld farve). Dækker intet tidsrum dagen, men viser en kilde det på en "
        "tidligere dag, er det »sidst dokumenteret« den dag (lys farve, stiplet kant). Ellers er det »ikke kendt«: "
        "intet forlænges ud over, hvad en kilde viser. Datoer sammenlignes med den præcision, kilden giver (år, "
        "måned eller dag). Det er samme regel som forespørgslen members-on-date.",
        "map_software": "Kortet tegnes med",
        "map_caption": {
            "place": "Kommunen (farvet) og dens nabokommuner (grå).",
            "region": "Regionens område.",
            "all": "Alle på listen; klik for at åbne en side.",
            "members": "Samarbejdets medlemmer: farvet, hvis de er medlem i dag; grå, hvis medlemskabet er ophørt "
            "eller ikke er begyndt.",
        },
        "date": "Dato",
        "today": "I dag",
        "plan09_day": "2. december 2009 (Plan09-artiklen)",
        "legend": "Signatur",
        "no_script": "Kortet kræver JavaScript. Samarbejderne og deres medlemmer findes også som tabeller:",
        "sparql_title": "plankg SPARQL-endpoint",
        "sparql_intro": "SPARQL 1.1-forespørgsler over plankg's data; kun læsning.",
        "sparql_limits": "Grænser: {timeout} s pr. forespørgsel, {rows} rækker eller tripler, "
        "{size} bytes pr. anmodning.",
        "sparql_description": "Tjenestebeskrivelse",
        "sparql_software": "Forespørgselseditoren er",
        "examples": "Eksempler (klik for at køre)",
        "run": "Kør",
        "intro": "plankg udgiver viden om danske kommuners samarbejde om planstrategien som linked open data: "
        "de 98 kommuner og regionerne (fem fra 2007, fire fra 2027), samarbejderne, deres medlemmer, "
        "bestyrelser og fora — "
        "hver oplysning med sin kilde.",
    },
    "en": {
        "sentence": {
            "municipality": "{name} is a Danish municipality. Today it lies in {region}.",
            "region": "{name} is a Danish region ({life}).",
            "cooperation": "{name} is a cooperation between municipalities – {kind} – with {count} known members.",
            "area": "{name} is a planning area – {kind} – that {count} municipalities lie within.",
            "unit": "{name} is a unit of {parent}.",
            "membership": "A membership: {parent}.",
            "concept": "{name} is a concept in the code list {parent}.",
            "scheme": "{name} is a code list of plankg's vocabulary.",
            "vocabulary": "{name} is plankg's own vocabulary.",
            "source": "{name} is a source of plankg's data (date: {date}).",
            "collection": "{name}: the list of all of them in plankg's data.",
            "other": "{name} is a resource in plankg's data ({types}).",
        },
        "key_facts": {
            "regions": "Region",
            "neighbours": "Neighbouring municipalities",
            "kind": "Kind of cooperation",
            "bodies": "Bodies",
            "municipalities_today": "Municipalities of the region today ({count})",
        },
        "collections": {"kommune": "Municipalities", "region": "Regions", "samarbejde": "Cooperations"},
        "breadcrumbs": "You are here",
        "uri": "URI",
        "copy_uri": "Copy URI",
        "copied": "Copied",
        "for_planning": "What the cooperation does for planning",
        "data_view": "All the facts",
        "data_view_intro": "Each property with all its values; beside each value the sources that state it.",
        "downloads": "Download the data about this",
        "about": "About",
        "errors": {
            "400": ["The request could not be understood", "The server could not use the request as it is written."],
            "403": ["Not allowed", "plankg is read-only; nothing can be changed from here."],
            "404": ["Not found", "plankg holds nothing about"],
            "405": ["Method not allowed", "This address does not answer that kind of request."],
            "406": ["Format not offered", "This address is not offered in the format asked for."],
            "413": ["Request too large", "The request is larger than plankg accepts."],
            "414": [
                "Address too long",
                "The address (URL) is longer than plankg accepts. Send a long SPARQL query with POST instead.",
            ],
            "415": ["Media type not offered", "plankg cannot read the request's content in that media type."],
            "422": ["Answer too large", "The answer would exceed plankg's limits; narrow the query."],
            "429": ["Too many requests", "Wait a moment, and try again."],
            "500": ["Something went wrong", "An unexpected error occurred and has been logged."],
            "503": ["Service busy", "plankg cannot answer just now; try again shortly."],
        },
        "error_detail": "Technical explanation",
        "error_allowed": "Allowed methods",
        "error_offered": "Formats offered",
        "error_next": "Go on:",
        "source_word": "source",
        "data_short": "Data",
        "language_tag": "language tag",
        "main_navigation": "Main navigation",
        "facts": "Facts",
        "kinds": "Kinds of cooperation",
        "kind": "kind",
        "state_today": "today",
        "sources": "sources",
        "notes": "plankg's notes",
        "members_today": "members today",
        "documented_earlier": "last documented earlier",
        "known_members": "known members in all",
        "region_of": "Region",
        "region_life": "Lifetime",
        "region_from": "from {date}",
        "region_until": "until {date}",
        "region_formed_from": "Formed from",
        "region_succeeded_by": "Succeeded by",
        "region_municipalities": "Municipalities of the region",
        "regions_current": "Regions today",
        "regions_former": "Former regions",
        "regions_future": "Coming regions",
        "today_is": "Today is",
        "search": "Search",
        "results_title": "Answer to the query",
        "results_query": "The query",
        "results_rows": "rows",
        "results_yes": "Yes (true)",
        "results_no": "No (false)",
        "results_editor": "Open the query page",
        "results_syntax": "The query has a syntax error",
        "results_failed": "The query could not be answered",
        "results_where": "The error is at line {line}, column {column}. The server's explanation:",
        "results_download": "Download the answer as SPARQL JSON",
        "search_label": "Search for a municipality, region, cooperation …",
        "search_title": "Search",
        "search_none": "Nothing found for",
        "search_hits": "Found for",
        "search_refused": "The search could not be run",
        "kind_names": {
            "municipality": "municipality",
            "region": "region",
            "cooperation": "cooperation",
            "unit": "unit",
            "source": "source",
            "concept": "concept",
        },
        "parts": "Parts",
        "incoming": "Links here",
        "property": "property",
        "value": "value",
        "source": "source (graph)",
        "subject": "subject",
        "formats": "Other formats",
        "next": "next page",
        "of": "of",
        "links": "incoming links",
        "home": "Home",
        "cooperations": "Cooperations",
        "municipalities": "Municipalities",
        "regions": "Regions",
        "query": "SPARQL queries",
        "download": "Dataset and downloads",
        "language": "Dansk",
        "memberships": "Memberships",
        "cooperation": "cooperation",
        "member": "member",
        "from": "from",
        "to": "until",
        "seen": "known member on",
        "characters": "characters in all; the whole value is in the other formats",
        "registry": "Registries and links",
        "registry_kind": {
            "code_municipality": "Municipality code",
            "code_region": "Region code",
            "dagi": "DAGI id",
            "dawa": "DAWA URL (historical: DAWA closed in 2026)",
            "wikidata": "Wikidata",
        },
        "registry_source": "source",
        "registry_date": "date",
        "map": "Map",
        "map_title": "Map of cooperations on the planning strategy",
        "map_intro": "The municipalities coloured by the inter-municipal cooperations they are members of on the "
        "chosen day. Choose which kinds of cooperation the map shows (KKR and the Finger Plan area cover the whole "
        "country or a region and are off until you choose them). Hover over a municipality for its name and "
        "cooperations; click to open its page with sources.",
        "map_rule": "On a day a membership is 'member' when the day lies from its beginning to its end, or a source "
        "shows it held that day (full colour). When no interval covers the day but a source shows it held on an "
        "earlier day, it is 'last documented' on that day (light colour, dashed border). Otherwise it is 'not "
        "known': nothing is extended beyond what a source shows. Dates are compared at the precision the source "
        "gives (year, month or day). This is the rule of the query members-on-date.",
        "map_software": "The map is drawn with",
        "map_caption": {
            "place": "The municipality (coloured) and its neighbours (grey).",
            "region": "The region's territory.",
            "all": "Everything in the list; click one to open its page.",
            "members": "The cooperation's members: coloured when members today; grey when the membership has ended "
            "or not yet begun.",
        },
        "date": "Date",
        "today": "Today",
        "plan09_day": "2 December 2009 (the Plan09 article)",
        "legend": "Legend",
        "no_script": "The map needs JavaScript. The cooperations and their members are also given as tables:",
        "sparql_title": "plankg SPARQL endpoint",
        "sparql_intro": "SPARQL 1.1 queries over plankg's data; read-only.",
        "sparql_limits": "Limits: {timeout} s per query, {rows} rows or triples, {size} bytes per request.",
        "sparql_description": "Service description",
        "sparql_software": "The query editor is",
        "examples": "Examples (click to run)",
        "run": "Run",
        "intro": "plankg publishes what is known about Danish municipalities' cooperation on the planning "
        "strategy as linked open data: the 98 municipalities and the regions (five from 2007, four from 2027), "
        "the cooperations, their "
        "members, boards and fora — each fact with its source.",
    },
}


#: The texts the map script shows, in each language.
MAP_TEXT = {
    "da": {
        "none": "Intet kendt samarbejde",
        "several": "Flere samarbejder",
        "municipalities_on": "kommuner på datoen",
        "shown_on": "Medlemskaber pr.",
        "regions_on": "Regioner pr.",
        "failed": "Kortet kunne ikke hentes:",
        "neighbour": "nabokommune",
        "from": "fra",
        "to": "til",
        "seen": "kendt medlem",
        "last_documented": "sidst dokumenteret",
        "last_documented_count": "sidst dokumenteret tidligere",
        "cooperations_count": "samarbejder",
        "zoom_to": "Zoom til",
        "page_of": "Siden om",
        "states": {"member": "medlem på dagen", "documented": "sidst dokumenteret", "unknown": "ikke kendt"},
    },
    "en": {
        "none": "No known cooperation",
        "several": "Several cooperations",
        "municipalities_on": "municipalities on the day",
        "shown_on": "Memberships as of",
        "regions_on": "Regions as of",
        "failed": "The map could not be loaded:",
        "neighbour": "neighbouring municipality",
        "from": "from",
        "to": "until",
        "seen": "known member on",
        "last_documented": "last documented",
        "last_documented_count": "last documented earlier",
        "cooperations_count": "cooperations",
        "zoom_to": "Zoom to",
        "page_of": "The page about",
        "states": {"member": "member on the day", "documented": "last documented", "unknown": "not known"},
    },
}


def ui_language() -> str:
    """The page language of this request: ``?lang=``, then the remembered choice, then Accept-Language."""
    return choose_language(
        request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE), request.headers.get("Accept-Language")
    )


def language_switch(lang: str) -> str:
    """This page in ``lang``: the same path and query, only ``lang`` changed (the place is kept)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", lang)])


#: The cookie that remembers a language chosen with ``?lang=`` (a year; no other cookie is ever set).
LANGUAGE_COOKIE = "lang"


def remember_language(response: Response) -> Response:
    """Keep the language a visitor chose; pages that follow the language vary by the cookie too."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    vary = response.headers.get("Vary", "")
    if "Accept-Language" in vary and "Cookie" not in vary:
        response.headers["Vary"] = vary + ", Cookie"
    return response


MEMBERSHIP_STATES = {
    "da": {"member": "medlem i dag", "last documented": "sidst dokumenteret", "not known": "ikke kendt i dag"},
    "en": {"member": "member today", "last documented": "last documented", "not known": "not known today"},
}
REGION_STATES = {
    "da": {"current": "findes i dag", "former": "ophørt", "future": "begynder senere"},
    "en": {"current": "exists today", "former": "ended", "future": "begins later"},
}
MONTHS = {
    "da": (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def message(lang: str, key: str) -> str:
    """One text of the catalogue, as a string."""
    return str(TEXT[lang][key])


def messages(lang: str, key: str) -> dict[str, str]:
    """A group of texts of the catalogue (sentences by kind, key-fact labels …)."""
    found = TEXT[lang][key]
    assert isinstance(found, dict)
    return found


def human_date(value: str, lang: str) -> str:
    """A date as people write it, at the precision it is given in: 2007, januar 2016, 2. december 2009."""
    parts = value.split("-")
    if len(parts) == 1 or not all(p.isdigit() for p in parts):
        return value
    month = MONTHS[lang][int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2])
    return f"{day}. {month} {parts[0]}" if lang == "da" else f"{day} {month} {parts[0]}"
