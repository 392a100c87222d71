"""The commands of sphere science: many organisations (organisations, compare) and the sphere model (simulate)."""

from __future__ import annotations

from pathlib import Path

import click
import pyarrow.csv as pacsv

from ..fits import describe
from ..settings import Settings
from ..workspace import organisations_orgchart
from .common import command, echo_json, json_option, map_option, progress

__all__ = ["COMMANDS"]


@command("organisations", own=())
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("organisations.csv"), show_default=True,
              help="The org chart to write: one unit per organisation.")  # fmt: skip
@click.option("--domain-map", type=click.Path(path_type=Path), default=None,
              help="CSV/XLSX with columns domain, organisation: domains that belong to one organisation.")
@click.option("--exclude", multiple=True, metavar="DOMAIN",
              help="A domain that is no organisation (a mailing-list host); repeat for more.")
@map_option("src, dst (of edge lists)")
@json_option
def organisations_cmd(settings: Settings, files: tuple[Path, ...], out: Path, domain_map: Path | None,
                      exclude: tuple[str, ...], mapping: dict[str, str], as_json: bool) -> None:  # fmt: skip
    """Derive an org chart from a corpus of many organisations: every address belongs to the organisation of its
    email domain. FILES are mbox files, Maildir folders, folders of .eml files and edge lists (CSV, TSV,
    CSV.gz, XLSX, Parquet), in any mix; mail the mail ingest rejects (automated senders, bulk) adds no address.
    Then: orgsphere ingest orgchart OUT; orgsphere ingest mail PATH / ingest edges FILE for each source;
    orgsphere analyse (the units are the organisations; their fit of B is the cross-organisation exponent, the
    headline). Who is staff and which organisations are fitted: the settings org_staff (active or senders),
    org_self_copies and org_min_size; the org chart records them, and the report states them.

    Example: orgsphere organisations list-archive.mbox --domain-map domains.csv --exclude lists.example.org
    """
    with progress("addresses") as bar:
        table, outside = organisations_orgchart(files, out, settings, domain_map, exclude, mapping, progress=bar)
    from ..science.organisations import Derivation

    found = Derivation.of(table, outside)
    if as_json:
        echo_json({"org_chart": out, **found.to_dict()})
        return
    click.echo(f"{out}: {found.addresses:,} addresses in {found.organisations:,} organisations")
    for reason, n in found.outside.items():
        click.echo(f"  left outside: {n:,} addresses ({reason})")
    d = found.definitions
    click.echo(f"  staff (org_staff={d.staff}): every address of an organisation's domains that "
               + ("sent or received" if d.staff == "active" else "sent") + " mail; self-addressed copies "
               + ("count" if d.self_copies else "do not count") + f" (org_self_copies={str(d.self_copies).lower()});"
               f" {d.small_organisations:,} organisations with fewer than {d.min_size} staff left out "
               f"(org_min_size)")  # fmt: skip


@command("compare", own=())
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--name", "names", multiple=True, help="A name per path, in order (default: the folder names).")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None, help="Write the table as CSV here.")
def compare_cmd(settings: Settings, paths: tuple[Path, ...], names: tuple[str, ...], out: Path | None) -> None:
    """Compare organisations analysed apart: each PATH an export folder (orgsphere export) or its sphere.csv /
    sphere.parquet; fits outwardness R against active persons across the organisations.

    Example: orgsphere compare results-a/ results-b/ results-c/ results-d/ results-e/
    """
    from ..science.organisations import compare

    table, fit = compare(paths, names or None, settings.bootstrap_samples, settings.seed)
    click.echo(f"{'organisation':<28} {'persons':>9} {'internal':>11} {'external':>10} {'R':>7}")
    for r in table.to_pylist():
        rr = "-" if r["R"] is None else f"{r['R']:.3f}"
        click.echo(f"{r['organisation'][:28]:<28} {r['persons'] or 0:>9,} {r['internal'] or 0:>11,} "
                   f"{r['external'] or 0:>10,} {rr:>7}")  # fmt: skip
    click.echo(describe(fit, "R across organisations"))
    if out is not None:
        pacsv.write_csv(table, out)
        click.echo(f"table written to {out}")


@command("simulate", own=())
@click.option("--shape", type=click.Choice(["ball", "tree", "network"]), default="ball", show_default=True)
@click.option("--dimension", "-d", default=3, show_default=True, help="Dimension of the ball.")
@click.option("--sizes", default="500,1000,2000,4000,8000,16000", show_default=True,
              help="Organisation sizes to simulate, comma-separated.")
@click.option("--seeds", default=3, show_default=True, help="Runs per size.")
@click.option("--what-if", "intervention", type=click.Choice(["rotate", "embed", "flatten"]), default=None,
              help="Instead: one intervention on one model organisation, before and after.")
@click.option("--persons", default=2000, show_default=True, help="Size of the what-if organisation.")
@click.option("--share", default=0.2, show_default=True, help="Share of people a what-if acts on.")
def simulate_cmd(settings: Settings, shape: str, dimension: int, sizes: str, seeds: int, intervention: str | None,
                 persons: int, share: float) -> None:  # fmt: skip
    """Run the sphere model: the exponent of R against size for a shape, or a what-if intervention.

    Example: orgsphere simulate --shape ball -d 3   |   orgsphere simulate --what-if rotate --share 0.3
    """
    from ..science import spheremodel as sm

    if intervention is not None:
        before, after = sm.what_if(intervention, n=persons, share=share, d=dimension, seed=settings.seed)
        click.echo(f"{'':<16} {'before':>9} {'after':>9}")
        for name in ("R", "customer_facing", "line_of_sight"):
            click.echo(f"{name:<16} {getattr(before, name):>9.3f} {getattr(after, name):>9.3f}")
        return
    try:
        size_list = tuple(int(v) for v in sizes.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"expected whole numbers separated by commas, found {sizes!r}",
                                 param_hint="--sizes") from None
    fit, shots = sm.exponent(shape, sizes=size_list, seeds=tuple(range(seeds)), d=dimension,
                             bootstrap_samples=settings.bootstrap_samples)  # fmt: skip
    click.echo(f"{'persons':>8} {'internal':>10} {'external':>9} {'R':>7}")
    for shot in shots:
        click.echo(f"{shot.persons:>8,} {shot.internal:>10,} {shot.external:>9,} {shot.R:>7.4f}")
    click.echo(describe(fit, f"R against size, {shape}" + (f" of dimension {dimension} (expect {-1 / dimension:+.3f})"
                                                           if shape == "ball" else "")))  # fmt: skip


COMMANDS = [organisations_cmd, compare_cmd, simulate_cmd]
