"""The field reference of the 360Giving package on `/data/`, in Swedish (`guide` renders it)."""

from __future__ import annotations

from insyn.opendata.grants360 import EXTENSION_FIELD, LEGAL_ENTITY_FIELD, PREFIX
from insyn.opendata.guide_types import INTEGER, TEXT, URL, Field, Table

GRANT = Table(
    "falt-360giving",
    "Bidrag i 360Giving (360giving.json)",
    "Varje beviljad finansieringsrad (status granted) med belopp och år, från en finansiär till "
    "en mottagare, blir ett bidrag (grant) enligt 360Giving Data Standard. Beviljade rader med "
    "okänt belopp, utan år eller med flera betalare eller mottagare är inga bidrag i "
    "standardens mening (den kräver belopp, datum och en mottagare) och finns bara i "
    "finansiering.csv och finansiering.json. Övriga statusar är inga bidrag men syns i fälten "
    "nedan.",
    (
        Field(
            "id",
            TEXT,
            f"{PREFIX} följt av radens id i finansiering.csv, till exempel "
            f"{PREFIX}decision:samtalsgrupper:1. Prefixet är vårt eget; det är inte registrerat "
            "hos 360Giving.",
        ),
        Field("title", TEXT, "Projektets namn (annars källans rubrik) och året, högst 140 tecken."),
        Field("description", TEXT, "Vem som beviljade hur mycket till vem, och källan."),
        Field("currency", TEXT, "Alltid SEK."),
        Field("amountAwarded", INTEGER, "Det beviljade beloppet, kronor."),
        Field(
            "amountAppliedFor",
            INTEGER,
            "Summan av sökta rader (status applied) med samma betalare, mottagare, projekt och "
            "år. Saknas när inget sådant belopp finns.",
        ),
        Field(
            "awardDate",
            "datum ÅÅÅÅ-MM-DD",
            "Sammanträdesdatum för beslutet som anger raden. Saknas datum (beslut med bara år) "
            "är det 1 januari beslutsåret; för en rad som anges i ett projekt 1 januari radens år.",
        ),
        Field("url", URL, "Källans sida (beslutet eller projektet)."),
        Field("dataSource", URL, "Källans sida, där originaldokumentet finns."),
        Field(
            "dateModified",
            "tidpunkt ÅÅÅÅ-MM-DDTtt:mm:ss+00:00",
            "När källfilen senast ändrades på webbplatsen (dess senaste version i git).",
        ),
        Field(
            "plannedDates",
            "lista med ett objekt (startDate, endDate) eller (duration)",
            "Projektets start och slut när båda är kända på dagen; annars längden i månader "
            "(duration, januari till juni är 6) när båda är kända på månaden. Saknas annars, "
            "och utan projekt.",
        ),
        Field(
            "grantProgramme",
            "lista med ett objekt (title)",
            "Finansiärens program, som källan skriver det. Saknas när källan inte nämner något.",
        ),
        Field(
            "fundingOrganization",
            "lista med ett objekt (id, name, url)",
            "Den som beviljar; id är SE-ON- följt av organisationsnumret för en egen "
            f"juridisk person med känt nummer, annars {PREFIX}org: följt av organisationens id "
            f"och den juridiska personen i {LEGAL_ENTITY_FIELD} (id, name).",
        ),
        Field(
            "recipientOrganization",
            "lista med ett objekt (id, name, url)",
            "Mottagaren, med id som för den som beviljar. En stadsdelsnämnd har "
            f"{PREFIX}org: och kommunens SE-ON-id i {LEGAL_ENTITY_FIELD}.",
        ),
        Field(
            "beneficiaryLocation",
            "lista med ett objekt (id, name, countryCode)",
            "Stadsdelsnämnden: den som beslutar, eller för en projektrad mottagaren eller "
            "projektägaren om det är en nämnd. countryCode är SE.",
        ),
        Field(
            EXTENSION_FIELD,
            INTEGER,
            "Tillägg till standarden (som saknar fält för det): summan av egen finansiering "
            "och medfinansiering (status contributed) till samma mottagare, projekt och år. "
            "Saknas när inget sådant belopp finns.",
        ),
    ),
)

PACKAGE = Table(
    "falt-360giving-paket",
    "Paketet i 360Giving (360giving.json)",
    "Filen är ett 360Giving-paket: ett objekt med metadata och listan grants.",
    (
        Field("title", TEXT, "Paketets namn."),
        Field("description", TEXT, "Vad paketet innehåller."),
        Field("identifier", TEXT, f"{PREFIX}package."),
        Field("publisher", "objekt (name, website)", "Den som publicerar webbplatsen."),
        Field("accessURL", URL, "Den här sidan."),
        Field("downloadURL", URL, "Filens adress."),
        Field("license", URL, "Licenstexten."),
        Field(
            "grants",
            "lista med bidrag",
            "Ett bidrag per beviljad finansieringsrad med belopp, år, en finansiär och en "
            "mottagare.",
        ),
    ),
)
