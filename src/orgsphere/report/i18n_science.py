"""The words of the report's sphere-science section (null models, Rent's rule, the sphere model), en and nl."""

from __future__ import annotations

__all__ = ["SCIENCE"]

SCIENCE: dict[str, dict[str, str]] = {
    "science": {"en": "Held against chance", "nl": "Afgezet tegen toeval"},
    "science_explain": {
        "en": "Inside an organisation contacts grow with its volume and contacts with the outside only with its "
              "surface, so the sphere law says outwardness falls as N<sup>−1/3</sup>. But people who meet at "
              "random also meet their own unit less often the smaller it is, so every slope below is held against "
              "what random mixing of the same people, with the same activity, would give.",
        "nl": "Binnen een organisatie groeien contacten met het volume en contacten met buiten alleen met het "
              "oppervlak, dus zegt de bolwet dat de naar-buiten-gerichtheid daalt als N<sup>−1/3</sup>. Maar wie "
              "willekeurig contact heeft, treft ook de eigen eenheid minder vaak naarmate die kleiner is; daarom "
              "wordt elke helling hieronder afgezet tegen wat willekeurig mengen van dezelfde mensen, even actief, "
              "zou geven.",
    },
    "null_compare": {
        "en": "Random mixing would give a slope of {null} here; the observed slope differs from it by {lo} to {hi} "
              "(95%).",
        "nl": "Willekeurig mengen zou hier een helling van {null} geven; de gemeten helling wijkt daar {lo} tot "
              "{hi} van af (95%).",
    },
    "verdict_null": {"en": "That is no more than chance arithmetic: no evidence of a sphere law.",
                     "nl": "Dat is niet meer dan toevalsrekenkunde: geen bewijs voor een bolwet."},
    "verdict_sphere": {"en": "It differs from chance, and −1/3 lies inside its interval: consistent with the "
                             "sphere law.",
                       "nl": "Dat wijkt af van toeval, en −1/3 ligt binnen het interval: in lijn met de bolwet."},
    "verdict_flat": {"en": "Zero lies inside its interval: outwardness does not measurably change with size.",
                     "nl": "Nul ligt binnen het interval: de naar-buiten-gerichtheid verandert niet meetbaar met "
                           "de omvang."},
    "verdict_steeper": {"en": "It falls faster with size than the sphere law's −1/3.",
                        "nl": "Die daalt sneller met de omvang dan de −1/3 van de bolwet."},
    "verdict_flatter": {"en": "It falls more slowly with size than the sphere law's −1/3.",
                        "nl": "Die daalt langzamer met de omvang dan de −1/3 van de bolwet."},
    "verdict_thin": {"en": "There is too little data for a slope.", "nl": "Er zijn te weinig gegevens voor een helling."},
    "B_found": {
        "en": "Across {n} units, B (contacts crossing a unit's own boundary per contact inside it) goes as "
              "N<sup>{slope}</sup> (95% interval {lo} to {hi}; robust fit {robust}).",
        "nl": "Over {n} eenheden gaat B (contacten over de eigen grens van een eenheid per contact erbinnen) als "
              "N<sup>{slope}</sup> (95%-interval {lo} tot {hi}; robuuste fit {robust}).",
    },
    "plot_y_B": {"en": "B = (other units + outside) / within unit", "nl": "B = (andere eenheden + buiten) / binnen"},
    "plot_observed": {"en": "observed", "nl": "gemeten"},
    "plot_expected": {"en": "expected under random mixing", "nl": "verwacht bij willekeurig mengen"},
    "plot_fit_observed": {"en": "observed: slope {slope}", "nl": "gemeten: helling {slope}"},
    "plot_fit_expected": {"en": "random mixing: slope {slope}", "nl": "willekeurig mengen: helling {slope}"},
    "excess": {"en": "Excess inwardness per unit", "nl": "Extra naar-binnen-gerichtheid per eenheid"},
    "excess_note": {
        "en": "Contacts inside each unit against what random mixing expects (1 = chance; 3 = three times as "
              "turned inward), and the share of {samples} degree-preserving rewirings with at least as many "
              "(p). The band is the 95% range of B under rewiring.",
        "nl": "Contacten binnen elke eenheid tegenover wat willekeurig mengen verwacht (1 = toeval; 3 = drie keer "
              "zo naar binnen gekeerd), en het aandeel van {samples} gradenbehoudende herschikkingen met minstens "
              "zoveel (p). De band is het 95%-bereik van B bij herschikking.",
    },
    "excess_summary": {
        "en": "{more} of {n} units are more turned inward than chance (p < 0.05); the median unit has {median} "
              "times the inside contacts random mixing expects.",
        "nl": "{more} van {n} eenheden zijn meer naar binnen gekeerd dan toeval (p < 0,05); de mediane eenheid "
              "heeft {median} keer zoveel contacten binnen als willekeurig mengen verwacht.",
    },
    "col_expected": {"en": "expected within", "nl": "verwacht binnen"},
    "col_excess": {"en": "excess inwardness", "nl": "extra naar binnen"},
    "col_p": {"en": "p", "nl": "p"},
    "col_B": {"en": "B", "nl": "B"},
    "col_B_band": {"en": "B under rewiring (95%)", "nl": "B bij herschikking (95%)"},
    "rent": {"en": "Rent's rule: boundaries of the org chart's subtrees", "nl": "De regel van Rent: grenzen van de "
             "deelbomen van het organogram"},
    "rent_explain": {
        "en": "Every subtree of the org chart (a unit with everything under it) against the contacts crossing its "
              "boundary, as chip designers count a block's terminals. A sphere gives p = 2/3; circuits show 0.5 to "
              "0.8.",
        "nl": "Elke deelboom van het organogram (een eenheid met alles eronder) tegenover de contacten over zijn "
              "grens, zoals chipontwerpers de aansluitingen van een blok tellen. Een bol geeft p = 2/3; "
              "schakelingen tonen 0,5 tot 0,8.",
    },
    "rent_found": {"en": "Rent exponent p = {p} (95% interval {lo} to {hi}) over {n} subtrees{where}.",
                   "nl": "Rent-exponent p = {p} (95%-interval {lo} tot {hi}) over {n} deelbomen{where}."},
    "rent_where": {"en": " from level {d} down", "nl": " vanaf niveau {d}"},
    "rent_break": {
        "en": "Above level {d} the law breaks: the largest blocks have fewer boundary contacts than the power law "
              "predicts, as in the top of a circuit (Rent's region II).",
        "nl": "Boven niveau {d} breekt de wet: de grootste blokken hebben minder grenscontacten dan de machtswet "
              "voorspelt, zoals bovenin een schakeling (Rents gebied II).",
    },
    "rent_holds": {"en": "The power law holds at every level of the tree.",
                   "nl": "De machtswet geldt op elk niveau van de boom."},
    "plot_y_boundary": {"en": "contacts crossing the subtree's boundary", "nl": "contacten over de grens van de deelboom"},
    "plot_level": {"en": "subtrees at level {d}", "nl": "deelbomen op niveau {d}"},
    "plot_rent": {"en": "fit: p = {p}", "nl": "fit: p = {p}"},
    "plot_rent_sphere": {"en": "sphere, p = 2/3", "nl": "bol, p = 2/3"},
    "time_found": {
        "en": "Over {n} months, as the organisation's active headcount changed, R went as N<sup>{slope}</sup> "
              "(95% interval {lo} to {hi}; months follow each other, so read the interval as a rough one).",
        "nl": "Over {n} maanden, terwijl het aantal actieve mensen veranderde, ging R als N<sup>{slope}</sup> "
              "(95%-interval {lo} tot {hi}; maanden volgen elkaar op, lees het interval dus als een ruw).",
    },
    "time_none": {"en": "Over time: {note}.", "nl": "In de tijd: {note}."},
    "time_same_size": {"en": "Over time: the number of active people was the same every month, so no slope of R "
                             "against size can be fitted; the monthly trend is shown further on.",
                       "nl": "In de tijd: het aantal actieve mensen was elke maand gelijk, dus valt er geen helling "
                             "van R tegen de omvang te fitten; het maandverloop staat verderop."},
    "time_few": {"en": "Over time: fewer than five months with data, too few for a slope.",
                 "nl": "In de tijd: minder dan vijf maanden met gegevens, te weinig voor een helling."},
    "model": {"en": "The sphere model", "nl": "Het bolmodel"},
    "model_explain": {
        "en": "In the model, people fill a ball of dimension d and work with whoever is near; customers fill the "
              "space outside. Outwardness then falls as N<sup>−1/d</sup> (simulated and tested for d = 2, 3, 4).",
        "nl": "In het model vullen mensen een bol van dimensie d en werken ze met wie dichtbij is; klanten vullen "
              "de ruimte erbuiten. De naar-buiten-gerichtheid daalt dan als N<sup>−1/d</sup> (gesimuleerd en "
              "getest voor d = 2, 3, 4).",
    },
    "model_dimension": {
        "en": "From {source}, your organisation behaves like a ball of dimension d ≈ {d} ({lo} to {hi}); Iske's "
              "sphere is d = 3.",
        "nl": "Naar {source} gedraagt uw organisatie zich als een bol van dimensie d ≈ {d} ({lo} tot {hi}); de bol "
              "van Iske heeft d = 3.",
    },
    "model_from_fit": {"en": "the slope of R across {which}", "nl": "de helling van R over {which}"},
    "model_from_rent": {"en": "Rent's exponent", "nl": "de Rent-exponent"},
    "model_no_dimension": {"en": "No measured slope falls with size, so no ball dimension can be read from it.",
                           "nl": "Geen gemeten helling daalt met de omvang, dus er valt geen boldimensie uit af te "
                                 "lezen."},
    "whatif": {"en": "What if?", "nl": "Wat als?"},
    "whatif_note": {
        "en": "Interventions on a model organisation of {n} people (mean of five runs; the range over the runs "
              "in brackets). Rotate and embed act on {share} of the people without customer contact in the ball; "
              "flatten removes the first management level of a hierarchy.",
        "nl": "Ingrepen op een modelorganisatie van {n} mensen (gemiddelde van vijf runs; het bereik over de runs "
              "tussen haakjes). Rouleren en inbedden betreffen {share} van de mensen zonder klantcontact in de bol; "
              "afvlakken haalt de eerste managementlaag uit een hiërarchie.",
    },
    "col_intervention": {"en": "intervention", "nl": "ingreep"},
    "col_measure": {"en": "measure", "nl": "maat"},
    "col_before": {"en": "before", "nl": "voor"},
    "col_after": {"en": "after", "nl": "na"},
    "iv_rotate": {"en": "rotate staff to the front line", "nl": "staf rouleert naar de frontlinie"},
    "iv_embed": {"en": "place staff in customer teams", "nl": "staf in klantteams plaatsen"},
    "iv_flatten": {"en": "flatten a management level", "nl": "een managementlaag afvlakken"},
    "m_R": {"en": "outwardness R", "nl": "naar-buiten-gerichtheid R"},
    "m_customer_facing": {"en": "share with customer contact", "nl": "aandeel met klantcontact"},
    "m_line_of_sight": {"en": "share within one hop of a customer contact",
                        "nl": "aandeel binnen één stap van een klantcontact"},
}
