"""The words of the report's staff-roles section, en and nl."""

from __future__ import annotations

__all__ = ["ROLE_WORDS"]

ROLE_WORDS: dict[str, dict[str, str]] = {
    "roles": {"en": "Staff roles: what each staff unit really does", "nl": "Stafrollen: wat elke stafeenheid echt doet"},
    "roles_explain": {
        "en": "Every work item a staff unit gets (tickets, requests) is classified by its words and category as "
              "supporting (standard requests, reports), regulating (approvals, checks, audits), executing "
              "(projects, taking work over) or advisory (advice to those who decide); unknown where the words do "
              "not tell. The outlined label is the role the org chart intends.",
        "nl": "Elk werkitem van een stafeenheid (tickets, verzoeken) wordt naar woorden en categorie ingedeeld als "
              "ondersteunend (standaardverzoeken, rapportages), regulerend (goedkeuringen, controles, audits), "
              "uitvoerend (projecten, werk overnemen) of adviserend (advies aan wie beslist); onbekend waar de "
              "woorden het niet zeggen. Het omlijnde label is de rol die het organogram bedoelt.",
    },
    "roles_summary": {"en": "{flagged} of {total} staff units are in a position that asks for a look.",
                      "nl": "{flagged} van de {total} stafeenheden staan in een positie die aandacht vraagt."},
    "col_intended": {"en": "intended", "nl": "bedoeld"},
    "col_items": {"en": "items", "nl": "items"},
    "col_profile": {"en": "work by role", "nl": "werk per rol"},
    "col_flags": {"en": "position", "nl": "positie"},
    "role_supporting": {"en": "supporting", "nl": "ondersteunend"},
    "role_regulating": {"en": "regulating", "nl": "regulerend"},
    "role_executing": {"en": "executing", "nl": "uitvoerend"},
    "role_advisory": {"en": "advisory", "nl": "adviserend"},
    "role_unknown": {"en": "unknown", "nl": "onbekend"},
    "flag_mismatch": {"en": "meant to be {intended} ({other} of the work), but {share} is {role}",
                      "nl": "bedoeld als {intended} ({other} van het werk), maar {share} is {role}"},
    "flag_regulating": {"en": "{share} regulating and {other} advice: checks without counsel",
                        "nl": "{share} regulerend en {other} advies: controleren zonder te adviseren"},
    "flag_requester": {"en": "{share} of the requests come from {unit} alone",
                       "nl": "{share} van de verzoeken komt van {unit} alleen"},
    "flag_only_tickets": {"en": "out of sight of the customer, and only supplier relations with the line",
                          "nl": "uit zicht van de klant, en alleen leveranciersrelaties met de lijn"},
    "roles_ok": {"en": "no flags", "nl": "geen signalen"},
    "roles_examples": {"en": "Examples per role", "nl": "Voorbeelden per rol"},
    "roles_examples_note": {"en": "With the words that decided the role.", "nl": "Met de woorden die de rol bepaalden."},
    "col_signature": {"en": "interactions suggest", "nl": "interacties wijzen op"},
    "signature_differs": {"en": "the interactions suggest another role than the work items",
                          "nl": "de interacties wijzen op een andere rol dan de werkitems"},
    "signature_note": {
        "en": "A second view from the interactions alone: tickets and one-to-many output with little back "
              "(supporting), broadcasts and traffic from the line (regulating), bursty reciprocal work with a few "
              "units (executing), few reciprocated counterparts, much in meetings (advisory). ≠ marks the {disagree} "
              "units where the two views differ.",
        "nl": "Een tweede blik, alleen uit de interacties: tickets en één-naar-veel zonder veel terug "
              "(ondersteunend), rondzendingen en verkeer vanuit de lijn (regulerend), grillig wederzijds werk met "
              "enkele eenheden (uitvoerend), weinig wederzijdse contacten, veel in vergaderingen (adviserend). ≠ "
              "markeert de {disagree} eenheden waar de twee blikken verschillen.",
    },
}
