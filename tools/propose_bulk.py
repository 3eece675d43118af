"""Send filled-in bulk templates (one strategy's priorities each) to an atlas's JSON API.

    python tools/propose_bulk.py --api http://127.0.0.1:8050/ --source-url URL \
        --name NAME --organisation ORG --email EMAIL [--note TEXT] FILE.csv [FILE.xlsx ...]

Each file is named after its strategy (``<strategy_id>.csv``), read as the upload page reads it
(dashboard/write/bulk.py) and sent as one ``bulk`` proposal; the answer (id, tracking link, or the
fields at fault) is printed per file. Exit status 1 when any file was refused.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.write.bulk import UploadError, read_upload, rows_as_fields  # noqa: E402


def proposal(path: Path, args) -> dict:
    rows = rows_as_fields(read_upload(path.name, path.read_bytes()).rows)
    return {"kind": "bulk", "action": "change", "target": {"strategy_id": path.stem},
            "fields": {"rows": rows, "remove_missing": False}, "source_url": args.source_url,
            "proposer": {"name": args.name, "organisation": args.organisation, "email": args.email},
            "note": args.note}


def send(api: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(api.rstrip("/") + "/api/proposals", data=json.dumps(body).encode("utf-8"),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--api", required=True, help="the atlas's address, e.g. http://127.0.0.1:8050/")
    ap.add_argument("--source-url", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--organisation", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--note", default="")
    args = ap.parse_args(argv)
    failed = 0
    for path in args.files:
        try:
            status, answer = send(args.api, proposal(path, args))
        except UploadError as exc:
            status, answer = 0, {"error": str(exc)}
        ok = status in (200, 201)
        failed += not ok
        print(f"{path.name}: {status} {answer.get('id', '')} {answer.get('tracking_url', '')}"
              f"{'' if ok else ' ' + json.dumps(answer, ensure_ascii=False)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
