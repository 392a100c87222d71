"""The words of the report's customer line-of-sight section, en and nl."""

from __future__ import annotations

__all__ = ["DISTANCE"]

DISTANCE: dict[str, dict[str, str]] = {
    "los": {"en": "Line of sight to the customer", "nl": "Zicht op de klant"},
    "los_explain": {
        "en": "For every person and month: the number of hops of real working contact (at least {k} interactions "
              "that month) to the nearest colleague who met a customer. Zero hops is direct customer contact; "
              "line of sight is zero or one hop.",
        "nl": "Voor elke persoon en maand: het aantal stappen via echt werkcontact (minstens {k} interacties die "
              "maand) naar de dichtstbijzijnde collega die een klant sprak. Nul stappen is direct klantcontact; "
              "zicht op de klant is nul of één stap.",
    },
    "los_summary": {
        "en": "In a typical month {line} of the people in line units and {staff} of those in staff units have line "
              "of sight to the customer.",
        "nl": "In een doorsnee maand heeft {line} van de mensen in lijneenheden en {staff} van die in stafeenheden "
              "zicht op de klant.",
    },
    "los_axis": {"en": "share within one hop of a customer", "nl": "aandeel binnen één stap van een klant"},
    "los_table_note": {
        "en": "Person-months per distance band, summed over the months; units with fewer than {k} active persons in "
              "a month leave that month out. Darker is closer to the customer.",
        "nl": "Persoonsmaanden per afstandsklasse, opgeteld over de maanden; eenheden met minder dan {k} actieve "
              "personen in een maand laten die maand weg. Donkerder is dichter bij de klant.",
    },
    "col_within_1": {"en": "within 1 hop", "nl": "binnen 1 stap"},
    "col_within_2": {"en": "within 2 hops", "nl": "binnen 2 stappen"},
    "col_bands": {"en": "distance to the customer", "nl": "afstand tot de klant"},
    "col_via": {"en": "reaches the customer mainly through", "nl": "bereikt de klant vooral via"},
    "band_d0": {"en": "0: direct", "nl": "0: direct"},
    "band_d1": {"en": "1 hop", "nl": "1 stap"},
    "band_d2": {"en": "2 hops", "nl": "2 stappen"},
    "band_d3": {"en": "3 hops", "nl": "3 stappen"},
    "band_d4_plus": {"en": "4+ hops", "nl": "4+ stappen"},
    "band_unreachable": {"en": "no path", "nl": "geen pad"},
    "col_trend": {"en": "by month", "nl": "per maand"},
    "spark_tip": {"en": "share within one hop, month by month, {first} to {last}",
                  "nl": "aandeel binnen één stap, maand voor maand, {first} tot {last}"},
    "map": {"en": "Where the customer is out of sight", "nl": "Waar de klant uit zicht is"},
    "map_note": {
        "en": "The org chart from top (left) to team (right): each box is a unit with everything under it, as tall "
              "as its person-months; the colour is the share of those person-months within one hop of a "
              "customer. Hover a box for its figures.",
        "nl": "Het organogram van top (links) tot team (rechts): elk vak is een eenheid met alles eronder, zo hoog "
              "als haar persoonsmaanden; de kleur is het aandeel van die persoonsmaanden binnen één stap van een "
              "klant. Wijs een vak aan voor de cijfers.",
    },
    "map_label": {"en": "Org chart coloured by line of sight to the customer",
                  "nl": "Organogram gekleurd naar zicht op de klant"},
    "map_tip": {"en": "{unit}: {near}% within one hop of a customer, {near2}% within two; {pm} person-months",
                "nl": "{unit}: {near}% binnen één stap van een klant, {near2}% binnen twee; {pm} persoonsmaanden"},
    "map_far": {"en": "nobody within one hop", "nl": "niemand binnen één stap"},
    "map_near": {"en": "everybody", "nl": "iedereen"},
    "by_channel": {"en": "By channel, and other outside parties", "nl": "Per kanaal, en andere externe partijen"},
    "by_channel_note": {
        "en": "Share of person-months within one hop of someone with direct contact with each kind of outside "
              "party, counting only the contact on that channel; line units / staff units.",
        "nl": "Aandeel persoonsmaanden binnen één stap van iemand met direct contact met elk soort externe partij, "
              "alleen het contact via dat kanaal geteld; lijneenheden / stafeenheden.",
    },
    "col_target": {"en": "within one hop of a", "nl": "binnen één stap van een"},
}
