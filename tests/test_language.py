"""The language audit: precision and recall on labelled Dutch and English sentences, compounds and
diacritics, every document format, the lexicon users extend, and documents in the store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import orgsphere
from orgsphere.cli import main
from orgsphere.errors import InputError
from orgsphere.ingest.document_formats import read_document
from orgsphere.text.audit import find_hits, sentences
from orgsphere.text.lexicon import fold, load_lexicon

from .conftest import write

DATA = Path(__file__).parent / "data"
# written first, the lexicon then tuned on it; and a set written after the lexicon was done, never tuned on
LABELLED = DATA / "internal_customer_sentences.tsv"
HELD_OUT = DATA / "internal_customer_heldout.tsv"


def _scores(path: Path, lang: str | None) -> tuple[float, float, int]:
    lexicon = load_lexicon()
    tp = fp = fn = 0
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t") if lang in (None, r["lang"])]
    for r in rows:
        want = set() if r["expected"] == "-" else set(r["expected"].split(","))
        got = {h.term for h in find_hits(r["sentence"], lexicon, r["lang"])}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return tp / (tp + fp), tp / (tp + fn), len(rows)


@pytest.mark.parametrize(("path", "floor"), [(LABELLED, 0.9), (HELD_OUT, 0.85)], ids=["labelled", "held-out"])
def test_precision_and_recall_on_labelled_sentences(path: Path, floor: float,
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    assert {r["lang"] for r in rows} == {"nl", "en"} and sum(r["expected"] == "-" for r in rows) >= len(rows) // 4
    for lang in ("nl", "en", None):
        precision, recall, n = _scores(path, lang)
        with capsys.disabled():
            print(f"\nlanguage audit, {path.name}, {lang or 'all'} ({n} sentences): precision {precision:.3f}, "
                  f"recall {recall:.3f}")
        assert precision >= floor and recall >= floor, (lang, precision, recall)
    assert len(rows) >= (100 if path == LABELLED else 30)


def test_compounds_inflections_and_diacritics() -> None:
    lexicon = load_lexicon()

    def terms(text: str) -> list[str]:
        return [h.term for h in find_hits(text, lexicon, "nl")]

    assert fold("Cliënten één") == "clienten een" and len(fold("Cliënten")) == len("Cliënten")
    assert terms("De ICT-afdeling bedient haar interneklanten.") == ["internal_customer"]
    assert terms("Het klanttevredenheidsonderzoek van HR.") == ["satisfaction_survey"]
    assert terms("De SLA's van ICT en de SLA-rapportage.") == ["sla", "sla"]
    assert terms("Na het werk bij ICT wil ik slapen.") == []  # 'sla' is no prefix of every word
    assert terms("Wij hebben een SLA met de drukkerij.") == []  # no internal context: an outside supplier
    hit = find_hits("Eerste regel.\nDe afdeling ziet de lijn als interne\nklant.", lexicon, "nl")[0]
    assert (
        hit.line == 2 and hit.match == "interne\nklant"
        and hit.sentence == "De afdeling ziet de lijn als interne klant."
    )
    assert [s for _, s in sentences("Een. Twee!\n\n- drie\n- vier")] == ["Een.", "Twee!", "- drie", "- vier"]


def test_every_format_is_read(tmp_path: Path) -> None:
    import docx
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = docx.Document()
    d.add_paragraph("Onze interne klanten tekenen een DVO met Facilitair.")
    table = d.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "U vraagt, wij draaien."
    d.save(tmp_path / "a.docx")
    plt.rcParams["pdf.fonttype"] = 42
    fig = plt.figure()
    fig.text(0.05, 0.5, "IT treats the business as its internal customer.")
    fig.savefig(tmp_path / "b.pdf")
    plt.close(fig)
    write(
        tmp_path / "c.html", "<html><script>var sla = 1;</script><body><p>De SLA met de afdelingen.</p></body></html>"
    )
    assert "U vraagt, wij draaien." in read_document(tmp_path / "a.docx")
    assert "internal customer" in read_document(tmp_path / "b.pdf")
    html = read_document(tmp_path / "c.html")
    assert "De SLA met de afdelingen." in html and "var sla" not in html
    (tmp_path / "broken.pdf").write_bytes(b"this is no pdf")
    with pytest.raises(InputError, match=r"broken\.pdf: not a readable PDF"):
        read_document(tmp_path / "broken.pdf")
    with pytest.raises(InputError, match=r"x\.rtf: cannot read \.rtf; the language audit reads"):
        read_document(write(tmp_path / "x.rtf", "{\\rtf1}"))


def test_the_lexicon_is_extended_and_checked(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine.toml", '[[term]]\nid = "service_catalogue"\nany = [["producten", "catalogus"]]\n'
                                         'suggest_nl = "wat wij samen voor de klant doen"\n')  # fmt: skip
    lexicon = load_lexicon(mine)
    hits = find_hits("De productencatalogus van ICT.", lexicon, "nl")
    assert [(h.term, h.suggestion) for h in hits] == [("service_catalogue", "wat wij samen voor de klant doen")]
    with pytest.raises(InputError, match=r"bad\.toml: not a valid TOML lexicon"):
        load_lexicon(write(tmp_path / "bad.toml", "[[term]\n"))
    with pytest.raises(InputError, match=r"term 1 needs an id and a list 'any'"):
        load_lexicon(write(tmp_path / "noid.toml", '[[term]]\nany = "x"\n'))


def test_documents_in_the_store_by_unit_counted_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org = write(tmp_path / "org.csv", "person,unit,parent,kind\na,ICT,Co,staff\nb,Sales,Co,line\n")
    write(tmp_path / "docs" / "ICT" / "catalogus.md", "# Catalogus\n\nDe interne klant krijgt een SLA van ICT.\n")
    write(tmp_path / "docs" / "visie.txt", "Wij werken als partners voor dezelfde klant.\n")
    (tmp_path / "docs" / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(org)
        reports = ws.ingest_documents(tmp_path / "docs")
        assert [(Path(r.source).name, r.kept, r.rejected) for r in reports] == [
            ("catalogus.md", 1, 0), ("scan.pdf", 0, 1), ("visie.txt", 1, 0)]  # fmt: skip
        again = ws.ingest_documents(tmp_path / "docs")
        assert all(r.skipped for r in again)
        write(tmp_path / "docs" / "visie.txt", "Wij zijn een interne leverancier voor de lijn.\n")
        ws.ingest_documents(tmp_path / "docs" / "visie.txt")
        rows = ws.store.raw.execute("SELECT path, unit_id FROM documents ORDER BY path").fetchall()
        assert [(Path(p).name, u) for p, u in rows] == [("catalogus.md", "ICT"), ("visie.txt", None)]
        with pytest.raises(InputError, match="unit 'Nowhere' is not in the org chart"):
            ws.ingest_documents(tmp_path / "docs", unit="Nowhere")
        language = ws.analyse()["language"].arrow.to_pylist()
    got = {(Path(r["name"]).name, r["unit"], r["term"], r["hits"]) for r in language}
    assert got == {("catalogus.md", "ICT", "internal_customer", 1), ("catalogus.md", "ICT", "sla", 1),
                   ("visie.txt", None, "internal_supplier", 1)}  # fmt: skip
    main(["audit-language", "--store", str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "k"),
          "--out", str(tmp_path / "hits.csv")])  # fmt: skip
    out = capsys.readouterr().out
    assert "2 documents and 0 ticket texts read; 3 hits" in out and "ICT" in out
    hits = list(csv.DictReader((tmp_path / "hits.csv").open(encoding="utf-8")))
    assert {(h["term"], h["unit"], h["line"]) for h in hits} == {("internal_customer", "ICT", "3"), ("sla", "ICT", "3"),
                                                                ("internal_supplier", "", "1")}  # fmt: skip
