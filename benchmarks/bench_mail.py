"""Benchmark: reading mail headers from an mbox, orgsphere's header-only reader against Python's email parser.

    python benchmarks/bench_mail.py --messages 200000

Generates an mbox of realistic messages (folded recipient lists, encoded names, replies, bodies of a few
KB), then measures in one run, each step in a fresh process:

  headers     orgsphere's header-only mbox reader (iter_mbox + parse_headers): messages/s and MB/s
  email       Python's mailbox + email parser (headers only) on the same file: messages/s and MB/s
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
from pathlib import Path
from typing import Any

import numpy as np
from measure import fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

import orgsphere
from orgsphere.ingest.mailheaders import iter_mbox, parse_headers
from orgsphere.privacy import Pseudonymiser

FIRST = ["Anna", "Bram", "Jörg", "Zeynep", "Émile", "Floor", "Mark", "Noor"]


def make_mbox(path: Path, n: int, persons: int = 2000, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 40 + "\n") * 2
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            sender = int(rng.integers(persons))
            recipients = rng.integers(0, persons, int(rng.integers(1, 6)))
            name = FIRST[sender % len(FIRST)]
            to = ",\n ".join(f'"{FIRST[r % len(FIRST)]} P{r}" <p{r}@acme.example>' for r in recipients)
            day = 1 + i % 28
            reply = (f"In-Reply-To: <m{i - 1}@acme.example>\nReferences: <m{max(0, i - 3)}@acme.example>\n"
                     if i % 3 else "")
            fh.write(
                f"From p{sender}@acme.example Mon Jan  1 00:00:00 2024\n"
                f"From: =?utf-8?q?{name}?= <p{sender}@acme.example>\nTo: {to}\n"
                f"Date: Mon, {day} Jan 2024 10:{i % 60:02d}:00 +0100\nMessage-ID: <m{i}@acme.example>\n{reply}"
                f"Subject: =?utf-8?q?Overleg_{i}?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
                f"{body}\n"
            )  # fmt: skip


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
        make_mbox(box, args.messages)
        mb = box.stat().st_size / 2**20
        print(f"mbox of {args.messages:,} messages, {mb:,.0f} MB; each step in a fresh process")
        runs = {}
        for label, func in (("headers", scan_headers), ("email", scan_email)):
            n, seconds, peak = fresh(func, box)
            runs[label] = seconds, peak
            assert n == args.messages, (label, n)
            print(f"  {label:<8} {seconds:7.1f} s  {n / seconds:10,.0f} messages/s  {mb / seconds:7.1f} MB/s  "
                  f"peak {peak:6,.0f} MiB")
        email_s = runs["email"][0]
        print(f"  orgsphere's reader is {email_s / runs['headers'][0]:.1f}x faster than Python's email parser")
        org = folder / "org.csv"
        org.write_text("person,email,unit\n" + "".join(f"p{i},p{i}@acme.example,U{i % 40}\n" for i in range(2000)))
        kept, seconds, peak = fresh(ingest, folder, setup=store_with_org_chart)
        print(f"  ingest   {seconds:7.1f} s  {args.messages / seconds:10,.0f} messages/s  {kept:,} interactions kept  "
              f"peak {peak:6,.0f} MiB")
        steps = [step("email parser (baseline)", args.messages, email_s, peak=runs["email"][1]),
                 step("header reader", args.messages, runs["headers"][0], email_s, runs["headers"][1]),
                 step("mail ingest", args.messages, seconds, email_s, peak, interactions=kept)]  # fmt: skip
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
