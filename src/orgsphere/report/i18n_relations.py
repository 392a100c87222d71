"""The words of the report's partners-or-suppliers section, en and nl."""

from __future__ import annotations

__all__ = ["RELATIONS"]

RELATIONS: dict[str, dict[str, str]] = {
    "rel": {"en": "Partners or suppliers?", "nl": "Partners of leveranciers?"},
    "rel_explain": {
        "en": "Every pair of a line unit and a staff unit (and of two staff units) that worked together, over the "
              "whole period. A supplier relation runs one way: tickets, or one side asking and the other "
              "answering, with no customer work together. Partners both take the initiative and work on the same "
              "customers. The thresholds are settings (relation_*).",
        "nl": "Elk paar van een lijn- en een stafeenheid (en van twee stafeenheden) dat samenwerkte, over de hele "
              "periode. Een leveranciersrelatie loopt één kant op: tickets, of de een vraagt en de ander "
              "antwoordt, zonder samen klantwerk. Partners nemen allebei het initiatief en werken aan dezelfde "
              "klanten. De drempels zijn instellingen (relation_*).",
    },
    "rel_summary": {
        "en": "Of {total} line–staff relations with enough contact, {supplier} work as internal customer and "
              "supplier and {partner} as partners; {mixed} are mixed.",
        "nl": "Van de {total} lijn–staf-relaties met genoeg contact werken er {supplier} als interne klant en "
              "leverancier en {partner} als partners; {mixed} zijn gemengd.",
    },
    "rel_map": {"en": "Line (left) and staff (right)", "nl": "Lijn (links) en staf (rechts)"},
    "rel_map_note": {
        "en": "Each curve a relation, as thick as its contact; hover it for the figures that decided its verdict.",
        "nl": "Elke lijn een relatie, zo dik als het contact; wijs haar aan voor de cijfers achter het oordeel.",
    },
    "rel_map_label": {"en": "Relations between line and staff units, coloured by verdict",
                      "nl": "Relaties tussen lijn- en stafeenheden, gekleurd naar oordeel"},
    "rel_staff": {"en": "Staff units, most supplier-like first", "nl": "Stafeenheden, de meest leverancierachtige eerst"},
    "rel_staff_note": {
        "en": "The share of a staff unit's contact with line units that runs in supplier relations.",
        "nl": "Het deel van het contact van een stafeenheid met lijneenheden dat in leveranciersrelaties loopt.",
    },
    "rel_decided": {"en": "Supplier and partner relations, and why", "nl": "Leveranciers- en partnerrelaties, en waarom"},
    "col_relation": {"en": "relation", "nl": "relatie"},
    "col_verdict": {"en": "verdict", "nl": "oordeel"},
    "col_why": {"en": "because", "nl": "omdat"},
    "col_supplier_share": {"en": "as supplier", "nl": "als leverancier"},
    "col_relations": {"en": "relations with the line", "nl": "relaties met de lijn"},
    "col_contact": {"en": "interactions", "nl": "interacties"},
    "verdict_partner": {"en": "partner", "nl": "partner"},
    "verdict_supplier": {"en": "supplier", "nl": "leverancier"},
    "verdict_mixed": {"en": "mixed", "nl": "gemengd"},
    "verdict_too_little": {"en": "too little data", "nl": "te weinig gegevens"},
    "why_volume": {"en": "only {n} interactions", "nl": "maar {n} interacties"},
    "why_tickets": {"en": "{pct}% of the contact is tickets", "nl": "{pct}% van het contact is tickets"},
    "why_initiative": {"en": "{unit} starts {pct}% of the threads, meetings and tickets",
                       "nl": "{unit} begint {pct}% van de gesprekken, vergaderingen en tickets"},
    "why_reciprocity": {"en": "the quieter direction is {pct}% of the busier",
                        "nl": "de stillere richting is {pct}% van de drukkere"},
    "why_joint": {"en": "{threads} meetings or threads with a customer together, {customers} customers in common",
                  "nl": "{threads} vergaderingen of gesprekken samen met een klant, {customers} klanten gemeen"},
    "why_no_joint": {"en": "no customer work together", "nl": "geen klantwerk samen"},
    "lang_audit": {"en": "The language of the internal customer", "nl": "De taal van de interne klant"},
    "lang_none": {
        "en": "No documents were audited. Add policies, service catalogues and SLA texts with orgsphere ingest "
              "documents FOLDER (and keep ticket texts with keep_texts = true); orgsphere audit-language shows "
              "every hit in context.",
        "nl": "Er zijn geen documenten doorgelicht. Voeg beleid, dienstencatalogi en SLA-teksten toe met orgsphere "
              "ingest documents MAP (en bewaar tickettekst met keep_texts = true); orgsphere audit-language toont "
              "elke vondst in context.",
    },
    "lang_summary": {
        "en": "{hits} times internal-customer language in {documents} documents and the tickets of {units} units.",
        "nl": "{hits} keer taal van de interne klant in {documents} documenten en de tickets van {units} eenheden.",
    },
    "lang_summary_docs": {"en": "{hits} times internal-customer language in {documents} documents.",
                          "nl": "{hits} keer taal van de interne klant in {documents} documenten."},
    "lang_note": {"en": "orgsphere audit-language shows every hit in context.",
                  "nl": "orgsphere audit-language toont elke vondst in context."},
    "col_term": {"en": "wording", "nl": "formulering"},
    "col_hits": {"en": "hits", "nl": "vondsten"},
    "col_documents": {"en": "documents", "nl": "documenten"},
    "col_units": {"en": "units", "nl": "eenheden"},
    "col_instead": {"en": "instead, as partners", "nl": "in plaats daarvan, als partners"},
    "term_internal_customer": {"en": "“internal customer”", "nl": "„interne klant”"},
    "term_internal_supplier": {"en": "“internal supplier”", "nl": "„interne leverancier”"},
    "term_customer_decides": {"en": "“the customer decides”", "nl": "„de klant bepaalt”"},
    "term_you_ask_we_deliver": {"en": "“you ask, we deliver”", "nl": "„u vraagt, wij draaien”"},
    "term_requirements_package": {"en": "“requirements package”", "nl": "„pakket van eisen”"},
    "term_sla": {"en": "SLA", "nl": "SLA / DVO"},
    "term_satisfaction_survey": {"en": "internal satisfaction survey", "nl": "intern klanttevredenheidsonderzoek"},
    "mach": {"en": "Surveys, SLAs and requirements in the traffic", "nl": "Enquêtes, SLA's en eisen in het verkeer"},
    "mach_note": {
        "en": "Interactions whose subject, meeting title or ticket category announces a satisfaction survey, an "
              "SLA (report or review) or a requirements package, per staff unit over the whole period, sent and "
              "received. Only the kind is stored, never the text (setting read_subjects).",
        "nl": "Interacties waarvan het onderwerp, de vergadertitel of de ticketcategorie een "
              "tevredenheidsonderzoek, een SLA (rapportage of overleg) of een pakket van eisen aankondigt, per "
              "stafeenheid over de hele periode, verstuurd en ontvangen. Alleen de soort wordt bewaard, nooit de "
              "tekst (instelling read_subjects).",
    },
    "col_counterparts": {"en": "units at the other end", "nl": "eenheden aan de andere kant"},
    "topic_satisfaction_survey": {"en": "satisfaction surveys", "nl": "tevredenheidsonderzoeken"},
    "topic_sla": {"en": "SLA", "nl": "SLA / DVO"},
    "topic_requirements_package": {"en": "requirements packages", "nl": "pakketten van eisen"},
}
