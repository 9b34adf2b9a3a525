"""Benchmark: the app's own cost of one `POST /api/v1/incidents`, called inside one process.

    .venv/bin/python bench/api_create_inprocess.py                  # CPU ms per create
    .venv/bin/python bench/api_create_inprocess.py --instructions   # under valgrind's callgrind

No server, no network, no load generator: the WSGI application is called directly, one create
after another, with the project's settings and middleware, on the PostgreSQL database named in
--database-url (re-created and migrated as `bench/api_create.py` does; its name must contain
"bench"). It answers how much work the application does per create, apart from the HTTP server
and the machine's other work, and so compares two versions of the code more steadily than the
loaded benchmark can.

- CPU: the process's CPU time over --creates creates after --warmup unreported ones, and, as the
  baseline measured in the same run, as many requests for the no-op view through the same
  application.
- `--instructions`: instructions counted by `valgrind --tool=callgrind` (which must be installed),
  which do not vary with the machine's speed: two runs of --creates and 4 × --creates creates
  after the warm-up, and the difference divided by the extra creates, so that start-up and
  warm-up cancel out. PostgreSQL's own work is not counted. valgrind runs Python about fifty
  times slower: 100 creates take a few minutes.

Every create must answer 201; anything else stops the run with the answer.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from api_create import (
    database_urls,
    django_env,
    incident_body,
    prepare_database,
    recreate_database,
)


def _environ(path: str, method: str, token: str, body: bytes = b"") -> dict:
    return {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
        "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/json",
    }


KINDS = {"noop": ("/bench/noop", "GET", "200"), "api": ("/api/v1/incidents", "POST", "201")}


def child(creates: int, warmup: int, world: dict, kinds: list[str]) -> None:
    """Runs inside the measured process: the application called directly."""
    import django

    django.setup()
    from staffsafe.config.wsgi import application

    def call(path: str, method: str, body: bytes, expected: str) -> None:
        status: list[str] = []
        response = application(_environ(path, method, world["token"], body),
                               lambda s, _headers: status.append(s))
        try:
            answer = b"".join(response)
        finally:
            response.close()  # as a server does: Django's request_finished
        if not status[0].startswith(expected):
            sys.exit(f"{method} {path} answered {status[0]}: {answer[:500]!r}")

    occurred_at = (datetime.now(timezone(timedelta(hours=1)))
                   - timedelta(hours=2)).isoformat(timespec="seconds")
    bodies = [incident_body(str(uuid.uuid4()), world["unit_id"], occurred_at)
              for _ in range(warmup + creates)]
    for body in bodies[:warmup]:
        for kind in kinds:
            path, method, expected = KINDS[kind]
            call(path, method, body if method == "POST" else b"", expected)
    results = {}
    for kind in kinds:
        path, method, expected = KINDS[kind]
        started = time.process_time()
        for body in bodies[warmup:]:
            call(path, method, body if method == "POST" else b"", expected)
        results[kind] = (time.process_time() - started) / creates
    print(json.dumps(results))


def _run_child(env: dict, creates: int, warmup: int, world: dict, valgrind: bool) -> dict:
    command = [sys.executable, __file__, "--child", json.dumps(world),
               "--creates", str(creates), "--warmup", str(warmup)]
    # Under valgrind the creates alone, so that the difference of two runs is theirs.
    command += ["--kinds", "api" if valgrind else "noop,api"]
    if valgrind:
        out = Path(env["STAFFSAFE_DATA_DIR"]) / f"callgrind.{creates}"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode:
        sys.exit(f"The measured process failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if valgrind:
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            sys.exit(f"valgrind gave no count:\n{done.stderr[-2000:]}")
        result["instructions"] = int(found.group(1))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/staffsafe_bench_inprocess"))
    parser.add_argument("--creates", type=int, default=None,
                        help="measured creates (default 3000; 100 with --instructions)")
    parser.add_argument("--warmup", type=int, default=300, help="unreported creates first")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions with valgrind's callgrind instead of CPU time")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--kinds", default="noop,api", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if (args.creates is not None and args.creates < 1) or args.warmup < 0:
        parser.error("--creates must be 1 or more, and --warmup 0 or more")
    creates = args.creates or (100 if args.instructions else 3000)
    if args.child:
        child(creates, args.warmup, json.loads(args.child), args.kinds.split(","))
        return 0
    name, database_url, admin_url = database_urls(args.database_url)
    with tempfile.TemporaryDirectory(prefix="staffsafe-bench-") as data_dir:
        env = django_env(database_url, data_dir)
        print(f"Re-creating {name} and migrating it ...", file=sys.stderr, flush=True)
        recreate_database(admin_url, name)
        world = prepare_database(env)
        if not args.instructions:
            result = _run_child(env, creates, args.warmup, world, valgrind=False)
            print(f"In one process, {creates} of each after {args.warmup} warm-up creates:")
            print(f"  no-op view  {1000 * result['noop']:.3f} ms of CPU per request")
            print(f"  API create  {1000 * result['api']:.3f} ms of CPU per create")
            return 0
        short = _run_child(env, creates, args.warmup, world, valgrind=True)
        long = _run_child(env, 4 * creates, args.warmup, world, valgrind=True)
    per_create = (long["instructions"] - short["instructions"]) / (3 * creates)
    print(f"Under callgrind, {4 * creates} creates less {creates}, after {args.warmup} warm-up "
          "creates:")
    print(f"  {per_create / 1e6:.3f} million instructions per create (PostgreSQL's not counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
