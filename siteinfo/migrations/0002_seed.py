"""The site settings row (demo values, marked as demo) and the three pages the footer links
to, with Danish text that describes what this portal really stores and sets. Staff edit both
in the admin; this migration never runs again once applied."""

from django.db import migrations

DEMO_SETTINGS = {
    "name": "AlmenNet",
    "description": "",
    "address": "Eksempelvej 1\n0000 Demoby",
    "email": "kontakt@almennet.example",
    "phone": "",
    "opening_hours": "",
    "cvr": "00000000",
    "is_demo": True,
}

PRIVACY = """<p>Her står, hvilke oplysninger portalen gemmer om dig, hvorfor, og hvordan du får dem
udleveret eller slettet. Foreningens kontaktoplysninger står nederst på hver side.</p>
<h2>Hvad portalen gemmer</h2>
<ul>
<li><strong>Din konto:</strong> e-mailadresse, navn, sprog, en krypteret udgave af din
adgangskode og, hvis du har slået totrinsbekræftelse til, den hemmelige nøgle til din
godkendelsesapp.</li>
<li><strong>Din tilknytning:</strong> hvilken medlemsorganisation du er ansat hos eller
repræsenterer, og eventuelle poster i bestyrelse eller Advisory Board med datoer.</li>
<li><strong>Tilmeldinger:</strong> de arrangementer og kurser, du tilmelder dig, dine svar på
tilmeldingens spørgsmål, pris, fakturaer og om du er mødt op.</li>
<li><strong>Nyhedsbrev:</strong> din adresse og hvornår og hvordan du gav samtykke, hvis du
abonnerer.</li>
<li><strong>Strategiarbejdet:</strong> forslag, kommentarer og tilsagn, du skriver, og – for
bestyrelsesmedlemmer – afgivne stemmer. Ved hemmelige afstemninger gemmes, at du har stemt,
men ikke hvad du stemte.</li>
<li><strong>Handlingsloggen:</strong> hvem der gjorde hvad og hvornår (fx en tilmelding eller en
ændring), med den IP-adresse handlingen kom fra.</li>
<li><strong>Mail:</strong> de mails, portalen sender dig, og om de blev leveret.</li>
</ul>
<h2>Hvorfor</h2>
<p>Oplysningerne bruges til at drive foreningens arrangementer, medlemskab og strategiarbejde.
De sælges ikke og deles ikke med andre end de leverandører, der driver portalen for
foreningen.</p>
<h2>Få dine data eller slet dem</h2>
<p>Under <em>Min side</em> kan du hente alle oplysninger om dig som en fil og slette din konto.
Oplysninger, som foreningen skal gemme efter bogføringsloven (fx fakturaer), slettes, når
fristen er udløbet.</p>
<p><strong>Denne tekst er et udkast fra portalens demoversion.</strong> Foreningen retter den til
og tilføjer dataansvarlig og kontaktperson, før portalen tages i brug.</p>
"""

COOKIES = """<p>Portalen sætter kun de cookies, der er nødvendige for, at den virker. Den bruger
ingen cookies til statistik, markedsføring eller sporing og indlæser intet fra andres
servere. Derfor spørger vi ikke om samtykke.</p>
<table>
<thead><tr><th scope="col">Cookie</th><th scope="col">Formål</th><th scope="col">Varighed</th></tr></thead>
<tbody>
<tr><td>sessionid</td><td>Holder dig logget ind.</td><td>Til du logger ud, højst to uger.</td></tr>
<tr><td>csrftoken</td><td>Beskytter formularer mod forfalskede indsendelser fra andre sider.</td><td>Et år.</td></tr>
<tr><td>messages</td><td>Viser en besked (fx "Du er tilmeldt") på den næste side.</td><td>Til beskeden er vist.</td></tr>
</tbody>
</table>
<p>Besøgende, der ikke er logget ind, får ingen cookies, før de åbner en side med en formular,
der sendes til portalen (fx log ind eller tilmelding til nyhedsbrevet).</p>
"""

ACCESSIBILITY = """<p>AlmenNet ønsker, at alle kan bruge portalen, også med skærmlæser, kun
tastatur, forstørrelse eller på en telefon. Portalen er bygget efter WCAG 2.1 på niveau AA.</p>
<h2>Sådan tjekker vi</h2>
<ul>
<li>Siderne testes automatisk med axe-core for alvorlige tilgængelighedsfejl og med W3C's
HTML-validator.</li>
<li>Farverne er valgt, så tekst har mindst kontrastforholdet 4,5:1 til baggrunden.</li>
<li>Siderne er lavet, så de kan bruges med tastaturet, og fokus er altid synligt.</li>
</ul>
<h2>Kendte mangler</h2>
<p>PDF-filer, som medlemmerne har udgivet, er ikke altid tilgængelige. Skriv til foreningen,
hvis du har brug for en publikation i en anden form.</p>
<h2>Giv os besked</h2>
<p>Møder du en side, du ikke kan bruge, så skriv til foreningen på adressen nederst på siden,
så retter vi det.</p>
<p><strong>Denne tekst er et udkast fra portalens demoversion.</strong></p>
"""

PAGES = [
    ("privacy", "Privatlivspolitik", "Privacy policy", PRIVACY),
    ("cookies", "Cookies", "Cookies", COOKIES),
    ("accessibility", "Tilgængelighedserklæring", "Accessibility statement", ACCESSIBILITY),
]


def seed(apps, schema_editor):
    SiteSettings = apps.get_model("siteinfo", "SiteSettings")
    InfoPage = apps.get_model("siteinfo", "InfoPage")
    SiteSettings.objects.get_or_create(pk=1, defaults=DEMO_SETTINGS)
    for slug, title, title_en, body in PAGES:
        InfoPage.objects.get_or_create(
            slug=slug, defaults={"title": title, "title_en": title_en, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("siteinfo", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
