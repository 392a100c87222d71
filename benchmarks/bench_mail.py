"""Benchmark: reading mail headers from an mbox, orgsphere's header-only reader against Python's email parser.

    python benchmarks/bench_mail.py --messages 200000

Generates an mbox of realistic messages (folded recipient lists, encoded names, replies, bodies of a few
KB in lines of 76 characters), then measures in one run, each step in a fresh process:

  headers     orgsphere's header-only mbox reader (iter_mbox + parse_headers): messages/s and MB/s
  email       Python's mailbox + email parser (headers only) on the same file: messages/s and MB/s
  the same two on the same messages as a Maildir and as a folder of .eml files (read_header_block on each file;
  mailbox.Maildir, and the parser file by file)
  ingest      the whole ingest into a store (pseudonymisation, resolution, staging, commit)

and the peak memory of the header reader on the first quarter, half and whole of the file (each in a fresh
process too), which stays flat when reading is streaming.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import mailbox
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from measure import fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

import orgsphere
from orgsphere.ingest.limits import ReadLimits
from orgsphere.ingest.mail import mail_files
from orgsphere.ingest.mailheaders import iter_mbox, parse_headers, read_header_block
from orgsphere.privacy import Pseudonymiser

FIRST = ["Anna", "Bram", "Jörg", "Zeynep", "Émile", "Floor", "Mark", "Noor"]


def make_mail(folder: Path, n: int, persons: int = 2000, seed: int = 1) -> None:
    """The same ``n`` messages three ways: ``bench.mbox``, a Maildir (``maildir/cur``) and a folder of .eml files
    (``eml``)."""
    rng = np.random.default_rng(seed)
    # a body as clients write it: text wrapped at 76 characters (as are base64 attachments), some 4.6 KB
    body = (textwrap.fill("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 40, 76) + "\n") * 2
    (folder / "maildir" / "cur").mkdir(parents=True)
    (folder / "maildir" / "new").mkdir()
    (folder / "eml").mkdir()
    with (folder / "bench.mbox").open("w", encoding="utf-8") as fh:
        for i in range(n):
            sender = int(rng.integers(persons))
            recipients = rng.integers(0, persons, int(rng.integers(1, 6)))
            name = FIRST[sender % len(FIRST)]
            to = ",\n ".join(f'"{FIRST[r % len(FIRST)]} P{r}" <p{r}@acme.example>' for r in recipients)
            day = 1 + i % 28
            reply = (f"In-Reply-To: <m{i - 1}@acme.example>\nReferences: <m{max(0, i - 3)}@acme.example>\n"
                     if i % 3 else "")
            message = (
                f"From: =?utf-8?q?{name}?= <p{sender}@acme.example>\nTo: {to}\n"
                f"Date: Mon, {day} Jan 2024 10:{i % 60:02d}:00 +0100\nMessage-ID: <m{i}@acme.example>\n{reply}"
                f"Subject: =?utf-8?q?Overleg_{i}?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
                f"{body}\n"
            )  # fmt: skip
            fh.write(f"From p{sender}@acme.example Mon Jan  1 00:00:00 2024\n{message}")
            (folder / "maildir" / "cur" / f"17040672{i:08d}.M{i}P1.bench:2,S").write_text(message, encoding="utf-8")
            (folder / "eml" / f"{i:08d}.eml").write_text(message, encoding="utf-8")


def scan_headers(path: Path, limit: int | None = None) -> int:
    digest = Pseudonymiser(b"bench key" * 4).digest  # ids are keyed, as in an ingest
    n = 0
    with path.open("rb") as fh:
        for _line, lines, _refused in iter_mbox(fh):
            parse_headers(lines, digest)
            n += 1
            if limit and n >= limit:
                break
    return n


def scan_email(path: Path) -> int:
    parser = email.parser.BytesParser(policy=email.policy.compat32)
    box = mailbox.mbox(path, factory=lambda f: parser.parse(f, headersonly=True), create=False)
    n = 0
    for msg in box:
        email.utils.getaddresses(msg.get_all("to", []))
        n += 1
    return n


def scan_header_files(folder: Path) -> int:
    """orgsphere's reader on a Maildir or a folder of .eml files: each file's header block, parsed."""
    digest, limits = Pseudonymiser(b"bench key" * 4).digest, ReadLimits.of()
    n = 0
    for path in mail_files(folder)[1]:
        with path.open("rb") as fh:
            lines, _ = read_header_block(fh, limits)
        parse_headers(lines, digest)
        n += 1
    return n


def scan_email_files(folder: Path) -> int:
    """Python's email parser (headers only) on the same files: through mailbox.Maildir for a Maildir, file by
    file for .eml."""
    parser = email.parser.BytesParser(policy=email.policy.compat32)
    if (folder / "cur").is_dir():
        messages: Any = mailbox.Maildir(folder, factory=lambda f: parser.parse(f, headersonly=True), create=False)
    else:
        messages = (parser.parse(p.open("rb"), headersonly=True) for p in sorted(folder.glob("*.eml")))
    n = 0
    for msg in messages:
        email.utils.getaddresses(msg.get_all("to", []))
        n += 1
    return n


def store_with_org_chart(folder: Path) -> tuple[Any, Path]:
    """(the untimed setup of :func:`ingest`) a new store holding the org chart of ``folder``, open."""
    (folder / "s.duckdb").unlink(missing_ok=True)
    ws = orgsphere.open(folder / "s.duckdb", key_file=folder / "k", internal_domains="acme.example")
    ws.ingest_orgchart(folder / "org.csv")
    return ws, folder / "bench.mbox"


def ingest(prepared: tuple[Any, Path]) -> int:
    """The whole mail ingest of the mbox into the store: the interactions kept."""
    ws, box = prepared
    with ws:
        return int(ws.ingest_mail(box).kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="orgsphere-mail-"))
    try:
        box = folder / "bench.mbox"
        make_mail(folder, args.messages)
        mb = box.stat().st_size / 2**20
        print(f"{args.messages:,} messages as an mbox of {mb:,.0f} MB, a Maildir and .eml files; each step in a "
              "fresh process")  # fmt: skip
        runs = {}
        for label, func, where in (("headers", scan_headers, box), ("email", scan_email, box),
                                   ("headers, Maildir", scan_header_files, folder / "maildir"),
                                   ("email, Maildir", scan_email_files, folder / "maildir"),
                                   ("headers, .eml", scan_header_files, folder / "eml"),
                                   ("email, .eml", scan_email_files, folder / "eml")):  # fmt: skip
            n, seconds, peak = fresh(func, where)
            runs[label] = seconds, peak
            assert n == args.messages, (label, n)
            print(f"  {label:<17} {seconds:7.1f} s  {n / seconds:10,.0f} messages/s  {mb / seconds:7.1f} MB/s  "
                  f"peak {peak:6,.0f} MiB")
        email_s = runs["email"][0]
        for kind in ("", ", Maildir", ", .eml"):
            ratio = runs["email" + kind][0] / runs["headers" + kind][0]
            print(f"  orgsphere's reader{kind or ', mbox'} is {ratio:.1f}x "
                  "faster than Python's email parser")  # fmt: skip
        org = folder / "org.csv"
        org.write_text("person,email,unit\n" + "".join(f"p{i},p{i}@acme.example,U{i % 40}\n" for i in range(2000)))
        kept, seconds, peak = fresh(ingest, folder, setup=store_with_org_chart)
        print(f"  ingest   {seconds:7.1f} s  {args.messages / seconds:10,.0f} messages/s  {kept:,} interactions kept  "
              f"peak {peak:6,.0f} MiB")
        steps = []
        for kind in ("", ", Maildir", ", .eml"):
            base = runs["email" + kind][0]
            steps += [step(f"email parser{kind} (baseline)", args.messages, base, peak=runs["email" + kind][1]),
                      step(f"header reader{kind}", args.messages, runs["headers" + kind][0], base,
                           runs["headers" + kind][1])]  # fmt: skip
        steps.append(step("mail ingest (mbox)", args.messages, seconds, email_s, peak, interactions=kept))
        for share in (4, 2, 1):
            limit = args.messages // share
            _, _, peak = fresh(scan_headers, box, limit)
            print(f"  peak memory of the header reader after {limit:>9,} messages: {peak:6,.0f} MiB")
            steps.append({"step": "header reader, peak memory", "rows": limit, "peak_mib": round(peak, 1)})
        write_json(args.json, "mail", steps, megabytes=round(mb, 1))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
