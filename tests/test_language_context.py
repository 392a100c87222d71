"""The language audit reads context as a person does: a term that needs internal context counts with it in its
sentence, in its paragraph, or in a text of a staff unit; every symptom the seed essays name is found."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import orgsphere
from orgsphere.text.audit import PARAGRAPH_WINDOW, find_hits
from orgsphere.text.lexicon import load_lexicon

from .conftest import SHARED, run_cli, shared, write


def _seed(name: str) -> str:
    return shared("seed essay", SHARED / "seeds" / name).read_text(encoding="utf-8")


def _found(text: str, owner_internal: bool = False) -> set[tuple[str, str, str | None]]:
    return {(h.term, " ".join(h.match.lower().split()), h.context)
            for h in find_hits(text, load_lexicon(), "nl", owner_internal)}  # fmt: skip


def test_every_symptom_the_seed_essays_name_is_found() -> None:
    # Iske, "Interne klanten": a staff department (huisvesting, inkoop) with its satisfaction survey, SLAs,
    # requirements packages and "de klant bepaalt"; the internal context stands sentences before the words
    iske = _found(_seed("interne-klanten-iske.txt"))
    assert iske == {
        ("internal_customer", "interne klanten", None), ("internal_customer", "interne klant", None),
        ("satisfaction_survey", "klanttevredenheidsonderzoek", "paragraph"),  # "een stafafdeling", a sentence before
        ("satisfaction_survey", "klanttevredenheid", "paragraph"),
        ("sla", "service level agreements", "paragraph"),  # "interne klanten", four sentences before
        ("requirements_package", "pakketten van eisen", None),
        ("customer_decides", "de klant bepaalt", "paragraph"),
    }
    # "Schaf de interne klant af": the line as the internal customer, the staff departments as its suppliers in
    # the corner of "u vraagt, wij draaien"
    schaf = _found(_seed("schaf-de-interne-klant-af.txt"))
    assert schaf == {
        ("internal_customer", "interne klant", None), ("internal_customer", "interne klanten", None),
        ("internal_supplier", "leveranciers van deze interne", None),  # "De leveranciers van deze interne klanten"
        ("internal_supplier", "leverancier van de interne", None),  # "niet als leverancier van de interne klant"
        ("you_ask_we_deliver", "u vraagt, wij draaien", None),
    }


def test_the_nearest_context_decides_and_says_so() -> None:
    sentence = "De servicedesk haalde de SLA."
    assert _found(sentence) == {("sla", "sla", "sentence")}
    paragraph = "Onze stafafdeling werkt voor de lijn. Iedereen kent er de cijfers. De SLA werd gehaald."
    assert _found(paragraph) == {("sla", "sla", "paragraph")}
    # a blank line ends the paragraph: the context of the one before does not carry over
    assert _found("Onze stafafdeling werkt voor de lijn.\n\nDe SLA werd gehaald.") == set()
    # a sentence after the term counts too, within the window
    assert _found("De klant bepaalt. Met klant bedoelen we hier de lijnafdelingen.") == {
        ("customer_decides", "de klant bepaalt", "paragraph")}  # fmt: skip
    far = "Onze stafafdeling werkt voor de lijn. " + "Dat is zo. " * PARAGRAPH_WINDOW + "De SLA werd gehaald."
    assert _found(far) == set()
    # a weak word ("medewerkers") counts in the sentence of the term only, not for its neighbours
    assert _found("Onze medewerkers staan klaar. De klant bepaalt wat wij bouwen.") == set()
    # the owner: a text of a staff unit is its own internal context, the nearest context still named first
    assert _found("De SLA werd gehaald.", owner_internal=True) == {("sla", "sla", "owner")}
    assert _found("De SLA van ICT werd gehaald.", owner_internal=True) == {("sla", "sla", "sentence")}
    # terms that are internal by their own words need no context, and say none
    assert _found("Wij leveren aan de interne klant.") == {("internal_customer", "interne klant", None)}
    # 'intern' is no prefix of 'internationaal': international customers are real ones
    assert _found("Onze internationale klanten bepalen mee. De klant bepaalt.") == set()
    # the English word for personnel names no staff department; the Dutch stem still finds its compounds
    assert _found("Our staff are friendly. Customer satisfaction is high.") == set()
    assert _found("Onze staffunctie werkt voor de lijn. Iedereen kent er de cijfers. De SLA werd gehaald.") == {
        ("sla", "sla", "paragraph")}  # fmt: skip


ORG = "person,email,unit,parent,kind\na,a@acme.example,ICT,Co,staff\nb,b@acme.example,Sales,Co,line\n"


def test_documents_and_tickets_of_a_staff_unit_are_their_own_context(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "docs" / "ICT" / "norm.txt", "De SLA werd in mei gehaald.\n")
    write(tmp_path / "docs" / "Sales" / "norm.txt", "De SLA werd in juni gehaald.\n")  # a line unit: its customers
    tickets = write(tmp_path / "tickets.csv", "number,requested_by,assignment_group,opened_at,category,"
                    "short_description\nT1,b@acme.example,ICT,2025-03-03T09:00:00,Verzoek,Klanttevredenheid meten\n"
                    "T2,a@acme.example,Sales,2025-03-04T09:00:00,Verzoek,Klanttevredenheid meten\n")  # fmt: skip
    store, key = tmp_path / "s.duckdb", tmp_path / "k"
    with orgsphere.open(store, key_file=key, internal_domains="acme.example", keep_texts=True) as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        ws.ingest_documents(tmp_path / "docs")
        ws.ingest_tickets(tickets)
        audit = ws.audit_language()
        language = ws.analyse()["language"].arrow.to_pylist()
    assert (audit.documents, audit.tickets) == (2, 2)
    assert {(r["unit"], r["term"], r["context"], r["source"].startswith("ticket")) for r in audit.rows} == {
        ("ICT", "sla", "owner", False), ("ICT", "satisfaction_survey", "owner", True)}  # fmt: skip
    # the report's table counts the same hits
    assert {(r["unit"], r["term"], r["hits"]) for r in language if r["hits"]} == {
        ("ICT", "sla", 1), ("ICT", "satisfaction_survey", 1)}  # fmt: skip
    code, out, _ = run_cli(["audit-language", "--store", str(store), "--key-file", str(key)], capsys)
    assert code == 0 and "[sla, owner context] De SLA werd in mei gehaald." in out
    code, out, _ = run_cli(["audit-language", "--store", str(store), "--key-file", str(key), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and (data["documents"], data["tickets"]) == (2, 2)
    assert {(h["term"], h["context"]) for h in data["hits"]} == {("sla", "owner"), ("satisfaction_survey", "owner")}
    assert {(c["unit"], c["term"], c["hits"]) for c in data["per_unit"]} == {
        ("ICT", "sla", 1), ("ICT", "satisfaction_survey", 1)}  # fmt: skip


def test_files_on_disk_say_their_context_in_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = write(tmp_path / "nota.md", "# Nota\n\nDe stafafdeling meet veel.\nHet KTO kwam uit op een 7.\n\n"
                                      "Wij sloten een SLA met de drukkerij.\n")  # fmt: skip
    code, out, _ = run_cli(["audit-language", str(doc), "--json", "--out", str(tmp_path / "hits.csv")], capsys)
    hits = json.loads(out)["hits"]
    assert code == 0 and [(h["term"], h["context"], h["line"]) for h in hits] == [
        ("satisfaction_survey", "paragraph", 4)]  # fmt: skip
    assert "satisfaction_survey,paragraph,KTO" in (tmp_path / "hits.csv").read_text(encoding="utf-8")


# written after the context change and committed before the audit was measured on it; never tuned on
CONTEXT_HELD_OUT = Path(__file__).parent / "data" / "internal_customer_context_heldout.tsv"


def _context_scores(rows: list[dict[str, str]]) -> tuple[float, float]:
    lexicon = load_lexicon()
    tp = fp = fn = 0
    for r in rows:
        want = set() if r["expected"] == "-" else set(r["expected"].split(","))
        text = r["text"].replace("\\n", "\n")
        got = {h.term for h in find_hits(text, lexicon, r["lang"], r["owner"] == "staff")}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return tp / (tp + fp), tp / (tp + fn)


def test_precision_and_recall_with_context_beyond_the_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.DictReader(CONTEXT_HELD_OUT.open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) >= 40 and {r["lang"] for r in rows} == {"nl", "en"}
    assert sum(r["expected"] == "-" for r in rows) >= len(rows) // 4
    assert {r["context"] for r in rows} >= {"neighbour", "owner"}
    groups = {"all": rows, "nl": [r for r in rows if r["lang"] == "nl"], "en": [r for r in rows if r["lang"] == "en"],
              "context in a neighbouring sentence": [r for r in rows if r["context"] == "neighbour"]}  # fmt: skip
    scores = {name: _context_scores(group) for name, group in groups.items()}
    with capsys.disabled():
        for name, (precision, recall) in scores.items():
            print(f"\nlanguage audit, {CONTEXT_HELD_OUT.name}, {name} ({len(groups[name])}): "
                  f"precision {precision:.3f}, recall {recall:.3f}")  # fmt: skip
    # measured at commit 9aaed55's code: precision 0.828, recall 0.960 (all); 0.941 recall with the context in a
    # neighbouring sentence. Floors: the measure minus a margin of about 0.05
    precision, recall = scores["all"]
    assert precision >= 0.78 and recall >= 0.9, scores
    assert scores["context in a neighbouring sentence"][1] >= 0.9, scores
