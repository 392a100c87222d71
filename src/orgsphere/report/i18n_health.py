"""The words of the report's data check, en and nl: one sentence and one fix per finding of orgsphere check."""

from __future__ import annotations

__all__ = ["HEALTH_WORDS"]

HEALTH_WORDS: dict[str, dict[str, str]] = {
    "health": {"en": "Can the data carry this report?", "nl": "Kunnen de gegevens dit rapport dragen?"},
    "health_explain": {
        "en": "Checked before any figure is read: what was kept and rejected, and the signs that the data would "
              "mislead. Errors make the figures below unreliable; warnings ask to read them with care.",
        "nl": "Gecontroleerd voordat er één cijfer gelezen wordt: wat is meegenomen en afgewezen, en de tekenen dat "
              "de gegevens zouden misleiden. Fouten maken de cijfers hieronder onbetrouwbaar; waarschuwingen vragen "
              "om ze met zorg te lezen.",
    },
    "health_ok": {"en": "No sign that the data cannot carry this report.",
                  "nl": "Geen teken dat de gegevens dit rapport niet kunnen dragen."},
    "health_none": {"en": "Not checked here: run orgsphere check on the store.",
                    "nl": "Hier niet gecontroleerd: draai orgsphere check op de opslag."},
    "level_error": {"en": "error", "nl": "fout"},
    "level_warning": {"en": "warning", "nl": "waarschuwing"},
    "level_info": {"en": "note", "nl": "opmerking"},
    "fix": {"en": "What to do", "nl": "Wat te doen"},
    "hc_failed-ingest": {"en": "The last ingest of {source} failed: {rejected} rows rejected, nothing kept.",
                         "nl": "De laatste inlees van {source} is mislukt: {rejected} rijen afgewezen, niets bewaard."},
    "hf_failed-ingest": {"en": "See the reasons (orgsphere rejects), fix the cause and ingest the file again.",
                         "nl": "Bekijk de redenen (orgsphere rejects), herstel de oorzaak en lees het bestand opnieuw in."},
    "hc_many-rejects": {"en": "{source}: {rejected} of {rows} rows were rejected.",
                        "nl": "{source}: {rejected} van de {rows} rijen zijn afgewezen."},
    "hf_many-rejects": {"en": "See the reasons (orgsphere rejects).", "nl": "Bekijk de redenen (orgsphere rejects)."},
    "hc_no-orgchart": {"en": "There is no org chart.", "nl": "Er is geen organogram."},
    "hf_no-orgchart": {"en": "Ingest the org chart: orgsphere ingest orgchart units.yaml people.csv.",
                       "nl": "Lees het organogram in: orgsphere ingest orgchart units.yaml people.csv."},
    "hc_no-interactions": {"en": "There are no interactions: nothing to analyse.",
                           "nl": "Er zijn geen interacties: niets te analyseren."},
    "hf_no-interactions": {"en": "Ingest mail, meetings, chat, tickets or an edge list.",
                           "nl": "Lees mail, vergaderingen, chat, tickets of een lijst van contacten in."},
    "hc_no-outside-contact": {"en": "None of the {interactions} interactions reaches the outside world: every "
                                    "unit's outwardness is 0.",
                              "nl": "Geen van de {interactions} interacties bereikt de buitenwereld: de "
                                    "naar-buiten-gerichtheid van elke eenheid is 0."},
    "hf_no-outside-contact": {"en": "Ingest sources with mail to and from outside, set internal_domains, and declare "
                                    "the customers.",
                              "nl": "Lees bronnen in met mail van en naar buiten, stel internal_domains in en geef "
                                    "de klanten op."},
    "hc_no-customer-contact": {"en": "Not one interaction is with a customer ({declared_customers} customers "
                                     "declared): every distance to the customer and every customer share is empty.",
                               "nl": "Geen enkele interactie is met een klant ({declared_customers} klanten "
                                     "opgegeven): elke afstand tot de klant en elk klantaandeel is leeg."},
    "hf_no-customer-contact": {"en": "Declare the customers (orgsphere ingest parties, or customer_domains); the "
                                     "busiest undeclared domains are candidates.",
                               "nl": "Geef de klanten op (orgsphere ingest parties, of customer_domains); de "
                                     "drukste niet-opgegeven domeinen zijn kandidaten."},
    "hc_declared-never-seen": {"en": "{parties} declared outside parties never occur in the interactions.",
                               "nl": "{parties} opgegeven externe partijen komen in geen enkele interactie voor."},
    "hf_declared-never-seen": {"en": "Check the spelling of their domains and addresses, and that their mail was "
                                     "exported.",
                               "nl": "Controleer de spelling van hun domeinen en adressen, en of hun mail is "
                                     "meegeëxporteerd."},
    "hc_domain-never-seen": {"en": "Declared domains that never occur: {domains}.",
                             "nl": "Opgegeven domeinen die nooit voorkomen: {domains}."},
    "hf_domain-never-seen": {"en": "Check their spelling in the settings.", "nl": "Controleer de spelling in de instellingen."},
    "hc_undeclared-domains": {"en": "Outside domains with most traffic that nobody declared: {domains}.",
                              "nl": "Externe domeinen met het meeste verkeer die niemand heeft opgegeven: {domains}."},
    "hf_undeclared-domains": {"en": "Declare the customers and suppliers among them.",
                              "nl": "Geef de klanten en leveranciers daaronder op."},
    "hc_persons-never-seen": {"en": "{never_seen} of the {people} persons of the org chart occur in no interaction.",
                              "nl": "{never_seen} van de {people} personen in het organogram komen in geen enkele "
                                    "interactie voor."},
    "hf_persons-never-seen": {"en": "Check that every mailbox and calendar was exported and that the ids match.",
                              "nl": "Controleer of elke mailbox en agenda is geëxporteerd en of de kenmerken "
                                    "overeenkomen."},
    "hc_extreme-volume": {"en": "{persons} persons have more than ten times the usual volume ({share} of all "
                                "contacts): shared mailboxes or bots?",
                          "nl": "{persons} personen hebben meer dan tien keer het gewone volume ({share} van alle "
                                "contacten): gedeelde mailboxen of bots?"},
    "hf_extreme-volume": {"en": "A shared mailbox or a bot is no person: add it to automated_senders, or leave it "
                                "out of the org chart.",
                          "nl": "Een gedeelde mailbox of een bot is geen persoon: zet hem in automated_senders, "
                                "of laat hem uit het organogram."},
    "hc_broadcast-share": {"en": "{share} of the interactions are broadcasts or list mail.",
                           "nl": "{share} van de interacties zijn rondzendingen of lijstmail."},
    "hf_broadcast-share": {"en": "Read the figures per channel.", "nl": "Lees de cijfers per kanaal."},
    "hc_undated": {"en": "{share} of the interactions have no date: they count in the whole period, in no month.",
                   "nl": "{share} van de interacties heeft geen datum: ze tellen mee voor de hele periode, in "
                         "geen enkele maand."},
    "hf_undated": {"en": "Map the time column, or set date_format.", "nl": "Wijs de tijdkolom aan, of zet date_format."},
    "hc_implausible-dates": {"en": "{interactions} interactions are dated before 1990 or in the future: times "
                                   "counted from the start of a recording, or the wrong date column?",
                             "nl": "{interactions} interacties zijn gedateerd vóór 1990 of in de toekomst: tijden "
                                   "geteld vanaf het begin van een meting, of de verkeerde datumkolom?"},
    "hf_implausible-dates": {"en": "Map the right time column, or set date_format.",
                             "nl": "Wijs de juiste tijdkolom aan, of zet date_format."},
    "hc_thin-months": {"en": "Months with (almost) no data: {months}.",
                       "nl": "Maanden met (bijna) geen gegevens: {months}."},
    "hf_thin-months": {"en": "A missing export? Ingest it, or read those months as missing.",
                       "nl": "Een ontbrekende export? Lees hem in, of lees die maanden als ontbrekend."},
}
