"""The words of the report in English and Dutch. Every key exists in both languages (tested)."""

from __future__ import annotations

from .i18n_distance import DISTANCE
from .i18n_health import HEALTH_WORDS
from .i18n_relations import RELATIONS
from .i18n_roles import ROLE_WORDS
from .i18n_science import SCIENCE

__all__ = ["TEXT", "text_for", "LANGS"]

LANGS = ("en", "nl")

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "How far is {org} from its customer?", "nl": "Hoe ver staat {org} van de klant?"},
    "generated": {"en": "Generated {when} by orgsphere {version}", "nl": "Gemaakt op {when} door orgsphere {version}"},
    "summary": {"en": "Summary", "nl": "Samenvatting"},
    "persons": {"en": "persons", "nl": "personen"},
    "units": {"en": "units", "nl": "eenheden"},
    "line_units": {"en": "line units", "nl": "lijneenheden"},
    "staff_units": {"en": "staff units", "nl": "stafeenheden"},
    "interactions": {"en": "interactions", "nl": "interacties"},
    "period": {"en": "period", "nl": "periode"},
    "external_share": {"en": "of all interactions are with the outside world",
                       "nl": "van alle interacties is met de buitenwereld"},
    "customer_share": {"en": "are with customers", "nl": "is met klanten"},
    "org_R": {"en": "Outwardness of the organisation: R = {R} external per internal interaction "
                    "({Rc} with customers).",
              "nl": "Naar-buiten-gerichtheid van de organisatie: R = {R} externe per interne interactie "
                    "({Rc} met klanten)."},
    "sphere_law": {"en": "The sphere law", "nl": "De bolwet"},
    "sphere_explain": {
        "en": "Picture an organisation as a sphere: contacts inside it grow with its volume (r³), contacts with "
              "customers only with its surface (r²). So outwardness R should fall as N<sup>−1/3</sup> as a unit "
              "grows: a big enough unit is busy without any customer.",
        "nl": "Zie een organisatie als een bol: contacten binnen groeien met het volume (r³), contacten met klanten "
              "alleen met het oppervlak (r²). Naar-buiten-gerichtheid R daalt dan als N<sup>−1/3</sup> naarmate "
              "een eenheid groeit: een eenheid die groot genoeg is, heeft het druk zonder één klant.",
    },
    "fit_found": {
        "en": "Across {n} {which}, R goes with unit size as N<sup>{slope}</sup> (95% interval {lo} to {hi}); "
              "the sphere model predicts −0.33.",
        "nl": "Over {n} {which} gaat R met de omvang als N<sup>{slope}</sup> (95%-interval {lo} tot {hi}); "
              "het bolmodel voorspelt −0,33.",
    },
    "which_all": {"en": "units", "nl": "eenheden"},
    "which_line": {"en": "line units", "nl": "lijneenheden"},
    "which_staff": {"en": "staff units", "nl": "stafeenheden"},
    "fit_mixed": {
        "en": "Line and staff units are fitted apart: they meet different outsiders, and one line through both "
              "would mostly measure the difference between them (all units together: slope {slope}).",
        "nl": "Lijn- en stafeenheden worden apart gefit: zij ontmoeten andere buitenstaanders, en één lijn door "
              "beide meet vooral het verschil tussen die twee (alle eenheden samen: helling {slope}).",
    },
    "fit_consistent": {"en": "The sphere exponent −1/3 lies inside the interval.",
                       "nl": "De bolexponent −1/3 ligt binnen het interval."},
    "fit_steeper": {"en": "Outwardness falls faster with size than the sphere model predicts.",
                    "nl": "De naar-buiten-gerichtheid daalt sneller met de omvang dan het bolmodel voorspelt."},
    "fit_flatter": {"en": "Outwardness falls more slowly with size than the sphere model predicts.",
                    "nl": "De naar-buiten-gerichtheid daalt langzamer met de omvang dan het bolmodel voorspelt."},
    "fit_caution": {
        "en": "Read this with care: random mixing alone also makes outward shares fall with unit size; the next "
              "section holds these figures against chance.",
        "nl": "Lees dit met zorg: ook willekeurig contact laat het aandeel naar buiten dalen met de omvang; de "
              "volgende sectie zet deze cijfers af tegen toeval.",
    },
    "fit_none": {"en": "No fit: {note}.", "nl": "Geen fit: {note}."},
    "fit_zero_left": {"en": "{n} units with no external contact at all (R = 0) are not on the log scale.",
                      "nl": "{n} eenheden zonder enig extern contact (R = 0) staan niet op de logschaal."},
    "plot_x": {"en": "active persons in the unit (N)", "nl": "actieve personen in de eenheid (N)"},
    "plot_y": {"en": "outwardness R (external / internal)", "nl": "naar-buiten-gerichtheid R (extern / intern)"},
    "plot_fit": {"en": "{which}: slope {slope}", "nl": "{which}: helling {slope}"},
    "plot_band": {"en": "95% interval of the slope", "nl": "95%-interval van de helling"},
    "plot_sphere": {"en": "sphere model, slope −1/3", "nl": "bolmodel, helling −1/3"},
    "line": {"en": "line", "nl": "lijn"},
    "staff": {"en": "staff", "nl": "staf"},
    "unranked": {"en": "other", "nl": "overig"},
    "ranking": {"en": "Units ranked by outwardness", "nl": "Eenheden gerangschikt naar naar-buiten-gerichtheid"},
    "ranking_note": {
        "en": "Each unit in which at least {k} persons sent or took part in an interaction, from most to least "
              "outward. Click a column to sort.",
        "nl": "Elke eenheid waarin minstens {k} personen iets verstuurden of deelnamen, van meest naar minst naar "
              "buiten gericht. Klik op een kolom om te sorteren.",
    },
    "col_unit": {"en": "unit", "nl": "eenheid"},
    "col_kind": {"en": "kind", "nl": "soort"},
    "col_function": {"en": "function", "nl": "functie"},
    "col_persons": {"en": "active persons", "nl": "actieve personen"},
    "col_intra": {"en": "within unit", "nl": "binnen eenheid"},
    "col_inter": {"en": "with other units", "nl": "met andere eenheden"},
    "col_external": {"en": "external", "nl": "extern"},
    "col_customer": {"en": "customer", "nl": "klant"},
    "col_R": {"en": "R", "nl": "R"},
    "col_Rc": {"en": "R customer", "nl": "R klant"},
    "col_level": {"en": "level", "nl": "niveau"},
    "suppressed": {"en": "Units in which fewer than {k} persons sent or took part in an interaction (however many "
                         "received one): {n}; their figures are not shown.",
                   "nl": "Eenheden waarin minder dan {k} personen iets verstuurden of deelnamen (hoeveel er ook "
                         "ontvingen): {n}; hun cijfers worden niet getoond."},
    "suppressed_complement": {
        "en": "Units hidden although large enough, so that a smaller one cannot be worked out by subtraction: {n}.",
        "nl": "Eenheden die groot genoeg zijn maar toch verborgen, zodat een kleinere niet door aftrekken terug te "
              "rekenen is: {n}."},
    "levels": {"en": "Outwardness by level of the hierarchy", "nl": "Naar-buiten-gerichtheid per niveau"},
    "levels_note": {
        "en": "At each level, the subtrees of the org chart as groups: contact inside a subtree is internal to it.",
        "nl": "Per niveau de deelbomen van het organogram als groepen: contact binnen een deelboom is intern.",
    },
    "trend": {"en": "Month by month", "nl": "Maand voor maand"},
    "trend_note": {"en": "Outwardness of the whole organisation per month and channel.",
                   "nl": "Naar-buiten-gerichtheid van de hele organisatie per maand en kanaal."},
    "all_channels": {"en": "all channels", "nl": "alle kanalen"},
    "month": {"en": "month", "nl": "maand"},
    "boundary": {"en": "Where the boundary is drawn", "nl": "Waar de grens ligt"},
    "boundary_note": {
        "en": "Every figure of outwardness depends on who counts as outside, and as a customer. This is how the "
              "outside parties were classified, and how much of the traffic each class carries.",
        "nl": "Elk cijfer over naar-buiten-gerichtheid hangt af van wie als buitenstaander, en als klant, telt. "
              "Zo zijn de externe partijen ingedeeld, en zoveel verkeer draagt elke groep.",
    },
    "col_declared": {"en": "classified by", "nl": "ingedeeld door"},
    "col_parties": {"en": "parties", "nl": "partijen"},
    "col_in_contact": {"en": "persons in contact", "nl": "personen met contact"},
    "col_domain": {"en": "domain", "nl": "domein"},
    "top_domains": {"en": "Busiest outside domains", "nl": "Drukste externe domeinen"},
    "top_domains_note": {
        "en": "Only domains that at least {k} persons were in contact with.",
        "nl": "Alleen domeinen waarmee minstens {k} personen contact hadden.",
    },
    "kind_customer": {"en": "customer", "nl": "klant"},
    "kind_supplier": {"en": "supplier", "nl": "leverancier"},
    "kind_regulator": {"en": "regulator", "nl": "toezichthouder"},
    "kind_partner": {"en": "partner", "nl": "partner"},
    "kind_other": {"en": "other", "nl": "overig"},
    "statement": {"en": "Processing statement", "nl": "Verwerkingsverklaring"},
    "statement_intro": {
        "en": "What orgsphere read and kept to make this report, for the privacy officer and the works council.",
        "nl": "Wat orgsphere las en bewaarde voor dit rapport, voor de privacyfunctionaris en de ondernemingsraad.",
    },
    "sources": {"en": "Sources read", "nl": "Gelezen bronnen"},
    "col_source": {"en": "source", "nl": "bron"},
    "col_rows": {"en": "rows in", "nl": "rijen in"},
    "col_kept": {"en": "kept", "nl": "bewaard"},
    "col_rejected": {"en": "rejected", "nl": "afgewezen"},
    "col_when": {"en": "ingested", "nl": "ingelezen"},
    "reject_reasons": {"en": "Why rows were rejected", "nl": "Waarom rijen zijn afgewezen"},
    "col_reason": {"en": "reason", "nl": "reden"},
    "col_count": {"en": "rows", "nl": "rijen"},
    "no_rejects": {"en": "No row was rejected.", "nl": "Geen enkele rij is afgewezen."},
    "pseudonymisation": {"en": "Pseudonymisation", "nl": "Pseudonimisering"},
    "min_group": {"en": "Minimum group size: {k}. The figures of a group with fewer persons are not shown; in the "
                        "outwardness figures only persons who sent or took part in an interaction count, not those "
                        "who only received one ({n} suppressed in this report).",
                  "nl": "Minimale groepsgrootte: {k}. De cijfers van een groep met minder personen worden niet "
                        "getoond; bij de cijfers van naar-buiten-gerichtheid tellen alleen personen die iets "
                        "verstuurden of deelnamen, niet wie alleen iets ontving ({n} onderdrukt in dit rapport)."},
    "complementary": {"en": "So that no small group can be worked out by subtracting visible figures from a total "
                            "(a department minus its other teams, the whole year minus the other months), {n} more "
                            "figures of larger groups are hidden as well (complementary suppression).",
                      "nl": "Zodat geen kleine groep terug te rekenen is door zichtbare cijfers van een totaal af te "
                            "trekken (een afdeling min haar andere teams, het hele jaar min de andere maanden), zijn "
                            "nog {n} cijfers van grotere groepen verborgen (aanvullende onderdrukking)."},
    "unplaced": {"en": "{n} interactions had a person with no org-chart membership at that time and were left "
                       "out of the figures.",
                 "nl": "{n} interacties hadden een persoon zonder plaats in het organogram op dat moment en zijn "
                       "buiten de cijfers gelaten."},
    "settings": {"en": "Settings", "nl": "Instellingen"},
    "col_setting": {"en": "setting", "nl": "instelling"},
    "col_value": {"en": "value", "nl": "waarde"},
    "col_from": {"en": "from", "nl": "bron"},
    "key_fp": {"en": "Key fingerprint", "nl": "Vingerafdruk van de sleutel"},
    "none": {"en": "none", "nl": "geen"},
}


TEXT.update(SCIENCE)
TEXT.update(DISTANCE)
TEXT.update(RELATIONS)
TEXT.update(ROLE_WORDS)
TEXT.update(HEALTH_WORDS)


def text_for(lang: str) -> dict[str, str]:
    return {key: forms[lang] for key, forms in TEXT.items()}
