"""The demo's documents for the language audit: the service desks' own texts speak of internal customers and
SLAs, while Compliance Advisory writes about the customer it serves together with the line."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_documents"]

_DOCUMENTS = {
    "ICT Service Desk/dienstverlening.md": """# Dienstverlening ICT Service Desk

De ICT Service Desk staat klaar voor haar interne klanten in de hele bank. Met elke divisie sluiten wij een
SLA af: incidenten met prioriteit 2 lossen wij binnen acht uur op. Elk kwartaal meten wij de
klanttevredenheid van de afdelingen; de laatste KTO-score was een 7,4.

Ons motto blijft: u vraagt, wij draaien. De interne klant bepaalt wat wij leveren.
""",
    "HR Shared Services/dvo-2025.html": """<html><head><title>DVO HR Shared Services 2025</title></head><body>
<h1>Dienstverleningsovereenkomst HR Shared Services 2025</h1>
<p>Deze dienstverleningsovereenkomst (DVO) legt vast wat HR Shared Services levert aan de interne klant.</p>
<p>De lijn levert jaarlijks een pakket van eisen aan; HR voert uit binnen de afgesproken service levels.</p>
<p>Na elke afgehandelde vraag ontvangt de medewerker een klanttevredenheidsonderzoek.</p>
</body></html>
""",
    "Compliance Advisory/werkwijze.txt": """Werkwijze Compliance Advisory

Wij zitten met Corporate Clients aan tafel bij de ondernemer. Samen kijken we wat deze klant nodig heeft en
welke regels daarbij horen. Zo werken we als partners voor dezelfde klant.
""",
}


def write_documents(folder: Path) -> Path:
    """Write the documents under ``folder``, one subfolder per unit; return ``folder``."""
    for name, text in _DOCUMENTS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
