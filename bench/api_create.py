"""Benchmark: `POST /api/v1/incidents` on PostgreSQL, against baselines measured in the same run.

    make bench                                   # = .venv/bin/python bench/api_create.py
    .venv/bin/python bench/api_create.py --requests 500 --levels 1,10   # a quicker run

What it does, every step bounded in count and time and only on 127.0.0.1:

1. drops and re-creates the database named in --database-url (its name must contain "bench")
   and migrates it with `staffsafe migrate`;
2. makes a trust, a site, a unit and a reporter with the project's services, and a bearer token
   with `api_token_create`, in a Django subprocess;
3. starts the app server in its own process group, with bench_settings.py: the project's
   settings plus a trivial view. By default the project's own `staffsafe serve --workers 2
   --threads 2` (granian, ADR 0015); --server gunicorn, gunicorn-gthread or waitress to compare;
4. for each level of concurrent clients runs three phases, each N operations, one after the
   other on the same machine:
     insert  N plain INSERTs of an incident row through psycopg (autocommit, one transaction
             each) into a copy of the incident table with the same indexes: the database floor;
     noop    N `GET /bench/noop` through the same server and middleware: the HTTP+Django floor;
     api     N creates `POST /api/v1/incidents`, each a fresh UUID; a share of them (--retry-share)
             is sent twice with the same body: half as a retry after the answer, half as an
             overlapping retry on a second connection while the first is still in flight;
5. stops the server, checks with SQL that there is one incident (one staff row, one audit event)
   per distinct UUID sent and that every retry answered with the first answer's reference, and
   prints a Markdown table. The raw figures go to bench/results/ (ignored by git).

The load generator is a minimal HTTP/1.1 client on asyncio streams (keep-alive where the server
allows it), so that it costs the server as little CPU as possible: a timeout without a task per
request, and only retried creates' answers parsed (every other answer must name its incident's
id). Its own CPU time per request is measured and printed. The exit status is 1 if any request
failed or any check did not hold.

On a machine shared with other work, each phase first waits (--quiet-wait) for the CPUs to be
nearly idle, and is measured again (up to --attempts) when other processes took more than
--max-others per cent of the CPUs during it; the quietest attempt is reported, and the table says
how busy the machine was and how much of that was other work. Results: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
HOST = "127.0.0.1"
TARGET_P95_MS = 100.0
REQUEST_TIMEOUT_S = 30.0
SERVER_START_TIMEOUT_S = 90.0
KINDS = ("insert", "noop", "api")

SETUP_CODE = """
import json, django
django.setup()
from staffsafe.accounts.models import Role, User
from staffsafe.accounts.services import api_token_create
from staffsafe.organisations import services as org
trust = org.trust_create(actor=None, ods_code="RBE", name="Bench NHS Trust", sector="acute",
                         region="london")
site = org.site_create(actor=None, trust=trust, name="Bench General")
unit = org.unit_create(actor=None, site=site, name="Ward 1", kind="ward",
                       default_setting="inpatient_ward")
user = User.objects.create_user(username="bench.reporter", password=None, role=Role.REPORTER,
                                trust=trust, staff_group="registered_nurse_midwife",
                                first_name="Bench", last_name="Reporter")
user.units.set([unit])
token = api_token_create(user=user, name="benchmark")
print(json.dumps({"unit_id": unit.pk, "user_id": user.pk, "trust_id": trust.pk,
                  "token": token}))
"""


# ---------------------------------------------------------------------------------------------
# A minimal HTTP/1.1 client: cheap enough not to steal the server's CPU.


class HttpError(Exception):
    pass


class Connection:
    """One keep-alive connection; reconnects when the server closes it (gunicorn sync does)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reused = False
        self.stale_resends = 0

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        try:
            return await self._request(raw)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            # A kept-alive connection the server closed while it was idle fails before any byte
            # of an answer: like any HTTP client, send once more on a new connection.
            if not self.reused or getattr(error, "partial", b""):
                raise
            self.close()
            self.stale_resends += 1
            return await self._request(raw)

    async def _request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            self.reused = False
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        headers = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        self.reused = True
        if headers.get("connection") == "close" or head.startswith(b"HTTP/1.0"):
            self.close()
        return status, body

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        for _ in range(100_000):
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)
        raise HttpError("too many chunks")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def http_request(method: str, path: str, port: int, token: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}",
             f"Authorization: Bearer {token}", "Accept: application/json"]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# ---------------------------------------------------------------------------------------------
# What one phase measured.


@dataclass
class Phase:
    kind: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    wall_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)
    retries_checked: int = 0
    retry_failures: list[str] = field(default_factory=list)
    created: int = 0
    replayed: int = 0
    unfinished: int = 0
    stale_resends: int = 0
    lock_waits: float = 0.0
    attempts: int = 1
    postgres_cpu: dict[int, float] = field(default_factory=dict)
    busy_before_pct: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_s if self.wall_s else 0.0

    def summary(self) -> dict[str, object]:
        count = len(self.latencies) or 1
        return {
            "kind": self.kind, "clients": self.clients, "operations": len(self.latencies),
            "errors": sum(self.errors.values()), "error_kinds": dict(self.errors),
            "unfinished": self.unfinished, "wall_s": round(self.wall_s, 3),
            "per_s": round(self.throughput, 1),
            "p50_ms": round(self.percentile(0.50), 2), "p95_ms": round(self.percentile(0.95), 2),
            "p99_ms": round(self.percentile(0.99), 2), "max_ms": round(self.percentile(1.0), 2),
            "created": self.created, "replayed": self.replayed,
            "stale_connection_resends": self.stale_resends,
            "sessions_waiting_on_a_lock": round(self.lock_waits, 2),
            "machine_busy_before_pct": round(self.busy_before_pct, 1),
            "attempts": self.attempts,
            "retries_checked": self.retries_checked, "retry_failures": self.retry_failures[:20],
            "cpu_ms_per_op": {k: round(v * 1000 / count, 3) for k, v in self.cpu_s.items()},
            **self.load(),
        }

    def load(self) -> dict[str, float]:
        """How busy the whole machine was, and how much of that was none of the three."""
        if "machine_busy" not in self.cpu_s or not self.wall_s:
            return {}
        capacity = self.wall_s * (os.cpu_count() or 1)
        others = self.cpu_s["machine_busy"] - sum(
            self.cpu_s.get(k, 0.0) for k in ("client", "server", "postgres"))
        return {"machine_busy_pct": round(100 * self.cpu_s["machine_busy"] / capacity, 1),
                "others_pct": round(100 * max(0.0, others) / capacity, 1)}


@dataclass
class Job:
    incident_id: str
    retry: str  # "", "after" or "overlap"


# ---------------------------------------------------------------------------------------------
# CPU accounting from /proc (Linux): the load generator, the app server's processes, PostgreSQL.

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_table() -> dict[int, tuple[int, str, float]]:
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), comm, (int(fields[11]) + int(fields[12])) / TICK)
    return table


def _descendants(table: dict[int, tuple[int, str, float]], root: int) -> set[int]:
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, row in table.items() if row[0] == parent and pid not in found]
        found.update(children)
        frontier.extend(children)
    return found


@dataclass
class CpuSnapshot:
    client: float
    machine: float | None = None
    processes: dict[int, tuple[int, str, float]] = field(default_factory=dict)


def cpu_snapshot() -> CpuSnapshot:
    own = resource.getrusage(resource.RUSAGE_SELF)
    if not Path("/proc/stat").exists():
        return CpuSnapshot(own.ru_utime + own.ru_stime)
    return CpuSnapshot(own.ru_utime + own.ru_stime, _machine_ticks()[0] / TICK, _proc_table())


def _process_cpu(pid: int, default: float) -> float:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return default
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_used(before: CpuSnapshot, after: CpuSnapshot, server_pid: int,
             postgres_cpu: dict[int, float]) -> dict[str, float]:
    """CPU seconds used between two snapshots by the generator, the server and PostgreSQL.

    PostgreSQL counts only the benchmark database's sessions and the shared background
    processes, so other databases on the same server (another engineer's tests) are left out.
    """
    used = {"client": after.client - before.client}
    if after.machine is None or before.machine is None:
        return used

    def since(pid: int, now: float) -> float:
        return now - before.processes.get(pid, (0, "", 0.0))[2]

    used["server"] = sum(since(pid, after.processes[pid][2])
                         for pid in _descendants(after.processes, server_pid))
    # A session that ended during the phase counts up to when it was last seen.
    used["postgres"] = sum(
        since(pid, after.processes[pid][2] if pid in after.processes else last)
        for pid, last in postgres_cpu.items())
    used["machine_busy"] = after.machine - before.machine
    return used


def _machine_ticks() -> tuple[int, int]:
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


async def wait_for_quiet(limit_s: float, threshold_pct: float = 20.0) -> float:
    """On a shared machine, wait (at most limit_s) until others leave the CPUs nearly idle.

    Returns how busy the machine was over the last second looked at, in per cent.
    """
    if not Path("/proc/stat").exists():
        return 0.0
    deadline, busy = time.monotonic() + limit_s, 100.0
    while True:
        (busy0, total0), _ = _machine_ticks(), await asyncio.sleep(1.0)
        busy1, total1 = _machine_ticks()
        busy = 100.0 * (busy1 - busy0) / max(1, total1 - total0)
        if busy < threshold_pct or time.monotonic() >= deadline:
            return busy


# ---------------------------------------------------------------------------------------------
# The database, the Django set-up and the server.


def database_urls(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in (HOST, "localhost"):
        sys.exit(f"Refusing a database that is not on {HOST}: {url}")
    if "bench" not in name:
        sys.exit(f"Refusing to drop '{name}': the benchmark database's name must contain 'bench'.")
    return name, url, urlunsplit(parts._replace(path="/postgres"))


def recreate_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_env(database_url: str, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STAFFSAFE_", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url, STAFFSAFE_SECRET_KEY=secrets.token_urlsafe(50),
        STAFFSAFE_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
    )
    return env


def prepare_database(env: dict[str, str]) -> dict[str, object]:
    subprocess.run([sys.executable, "-m", "staffsafe.cli", "migrate", "--noinput", "-v0"],
                   env=env, check=True, timeout=600)
    done = subprocess.run([sys.executable, "-c", SETUP_CODE], env=env, check=True, timeout=120,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# Per server: (worker processes, threads per process) unless --workers/--threads say otherwise.
SERVER_DEFAULTS = {"granian": (2, 2), "gunicorn": (4, 1), "gunicorn-gthread": (3, 4),
                   "waitress": (1, 8)}


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    if args.server in ("granian", "waitress"):
        # The project's own command: granian for 2 or more workers, waitress for one.
        return [sys.executable, "-m", "staffsafe.cli", "serve", "--host", HOST, "--port",
                str(port), "--workers", str(args.workers), "--threads", str(args.threads)]
    command = [sys.executable, "-m", "gunicorn", "staffsafe.config.wsgi:application",
               "--bind", f"{HOST}:{port}", "--workers", str(args.workers), "--backlog", "2048",
               "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning"]
    if args.server == "gunicorn-gthread":
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    return command


def start_server(args: argparse.Namespace, env: dict[str, str], port: int,
                 log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    process = subprocess.Popen(server_command(args, port), env=env, cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server exited with {process.returncode}; see {log_path}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(f"GET /bench/noop HTTP/1.0\r\nHost: {HOST}\r\n\r\n".encode())
                if sock.recv(12).endswith(b"200"):
                    return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    sys.exit(f"The server did not answer within {SERVER_START_TIMEOUT_S:.0f} s; see {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# The three kinds of load.


def incident_body(incident_id: str, unit_id: int, occurred_at: str) -> bytes:
    return json.dumps({
        "id": incident_id, "unit_id": unit_id, "occurred_at": occurred_at,
        "reporter_role": "victim", "category": "verbal_abuse_threat",
        "perpetrator_type": "patient_service_user",
        "description": "Shouted at while giving medication.",
        "staff": [{"staff_group": "registered_nurse_midwife", "injury": False,
                   "lone_working": False}],
    }).encode()


class ApiLoad:
    """Creates through the API, with retries whose answers must match the first answer's."""

    def __init__(self, port: int, token: str, unit_id: int) -> None:
        self.port, self.token, self.unit_id = port, token, unit_id
        # An occurred_at with an explicit offset, two hours ago.
        self.occurred_at = (datetime.now(timezone(timedelta(hours=1)))
                            - timedelta(hours=2)).isoformat(timespec="seconds")
        self.sent_ids: set[str] = set()

    async def _send(self, conn: Connection, raw: bytes, job: Job, phase: Phase
                    ) -> tuple[int, dict]:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):  # no task per request, as wait_for
                status, body = await conn.request(raw)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            conn.close()
            phase.errors[type(error).__name__] += 1
            return 0, {}
        phase.latencies.append(time.perf_counter() - started)
        if not 200 <= status < 300:
            phase.errors[f"HTTP {status}"] += 1
            return status, {}
        phase.created += status == 201
        phase.replayed += status == 200
        if not job.retry:
            # Only a retry's answers are compared, field by field (`_check_retry`); any other
            # answer must at least be about the incident sent, without the CPU of parsing it.
            if f'"id": "{job.incident_id}"'.encode() not in body:
                phase.errors["answer about another incident"] += 1
            return status, {}
        return status, json.loads(body)

    async def run(self, job: Job, conns: tuple[Connection, Connection], phase: Phase) -> None:
        self.sent_ids.add(job.incident_id)
        raw = http_request("POST", "/api/v1/incidents", self.port, self.token,
                           incident_body(job.incident_id, self.unit_id, self.occurred_at))
        if job.retry == "overlap":
            answers = await asyncio.gather(*(self._send(c, raw, job, phase) for c in conns))
        else:
            answers = [await self._send(conns[0], raw, job, phase)]
            if job.retry == "after":
                answers.append(await self._send(conns[0], raw, job, phase))
        if job.retry:
            self._check_retry(job, answers, phase)

    @staticmethod
    def _check_retry(job: Job, answers: list[tuple[int, dict]], phase: Phase) -> None:
        phase.retries_checked += 1
        statuses = [status for status, _ in answers]
        expected = [201, 200] if job.retry == "after" else [200, 201]
        if job.retry == "overlap":
            statuses.sort()
        references = {doc.get("reference") for _, doc in answers}
        ids = {doc.get("id") for _, doc in answers}
        if statuses != expected or len(references) != 1 or ids != {job.incident_id}:
            phase.retry_failures.append(f"{job.retry} {job.incident_id}: {statuses} "
                                        f"{sorted(map(str, references))}")


class NoopLoad:
    def __init__(self, port: int, token: str) -> None:
        self.raw = http_request("GET", "/bench/noop", port, token)

    async def run(self, job: Job, conns: tuple[Connection, Connection], phase: Phase) -> None:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                status, _ = await conns[0].request(self.raw)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            conns[0].close()
            phase.errors[type(error).__name__] += 1
            return
        phase.latencies.append(time.perf_counter() - started)
        if status != 200:
            phase.errors[f"HTTP {status}"] += 1


BASELINE_TABLE = "bench_baseline_incident"
BASELINE_INSERT = f"""
INSERT INTO {BASELINE_TABLE} (
  id, reference, trust_id, unit_id, reported_by_id, on_behalf_of_colleague, confidential,
  status, version, sector, setting, occurred_at, reported_at, reporter_role, category, method,
  hate_motivated, hate_characteristics, perpetrator_type, perpetrator_age_band,
  mental_health_act_detained, factors, police_outcome, civil_admin_sanctions,
  body_worn_camera_footage, description, feedback, created_at, updated_at)
VALUES (%(id)s, %(reference)s, %(trust_id)s, %(unit_id)s, %(user_id)s, false, false,
  'submitted', 1, 'acute', 'inpatient_ward', %(occurred_at)s, now(), 'victim',
  'verbal_abuse_threat', '[]', 'unknown', '[]', 'patient_service_user', '', '', '[]', '', '[]',
  '', 'Shouted at while giving medication.', '', now(), now())
"""


class InsertLoad:
    """The same row as an API create, INSERTed straight through psycopg: the database floor."""

    def __init__(self, database_url: str, world: dict[str, object]) -> None:
        self.database_url, self.world = database_url, world
        self.occurred_at = datetime.now(UTC) - timedelta(hours=2)
        self.inserted = 0
        self.pool: list[psycopg.AsyncConnection] = []

    async def open(self, clients: int) -> None:
        self.pool = [await psycopg.AsyncConnection.connect(self.database_url, autocommit=True)
                     for _ in range(clients)]

    async def close(self) -> None:
        for conn in self.pool:
            await conn.close()
        self.pool = []

    async def run(self, job: Job, conn: psycopg.AsyncConnection, phase: Phase) -> None:
        self.inserted += 1
        params = {**self.world, "id": job.incident_id, "reference": f"B-{self.inserted:08d}",
                  "occurred_at": self.occurred_at}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                await conn.execute(BASELINE_INSERT, params)
        except (psycopg.Error, TimeoutError) as error:
            phase.errors[type(error).__name__] += 1
            return
        phase.latencies.append(time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------
# Running a phase.


def make_jobs(count: int, retry_share: float, rng: random.Random) -> list[Job]:
    retried = sorted(rng.sample(range(count), round(count * retry_share)))
    modes = {index: ("after", "overlap")[n % 2] for n, index in enumerate(retried)}
    return [Job(str(uuid.UUID(int=rng.getrandbits(128), version=4)), modes.get(i, ""))
            for i in range(count)]


async def run_phase(load: ApiLoad | NoopLoad | InsertLoad, kind: str, clients: int,
                    jobs: list[Job], args: argparse.Namespace, server_pid: int) -> Phase:
    phase = Phase(kind, clients)
    queue = list(reversed(jobs))
    if isinstance(load, InsertLoad):
        await load.open(clients)
        resources = load.pool
    else:
        resources = [(Connection(args.port), Connection(args.port)) for _ in range(clients)]
    deadline = time.monotonic() + args.max_phase_seconds

    async def client(own: object) -> None:
        while queue and time.monotonic() < deadline:
            await load.run(queue.pop(), own, phase)  # type: ignore[arg-type]

    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_sessions(args.database_url, phase, stop))
    before, started = cpu_snapshot(), time.perf_counter()
    await asyncio.gather(*(client(own) for own in resources))
    phase.wall_s = time.perf_counter() - started
    after = cpu_snapshot()
    stop.set()
    await sampler
    phase.cpu_s = cpu_used(before, after, server_pid, phase.postgres_cpu)
    phase.unfinished = len(queue)
    if phase.unfinished:
        phase.errors["unfinished (time bound)"] += phase.unfinished
    if isinstance(load, InsertLoad):
        await load.close()
    else:
        for pair in resources:
            for conn in pair:  # type: ignore[union-attr]
                phase.stale_resends += conn.stale_resends
                conn.close()
    return phase


SESSIONS_SQL = """
SELECT pid, wait_event_type = 'Lock' FROM pg_stat_activity
WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()
"""


async def sample_sessions(database_url: str, phase: Phase, stop: asyncio.Event) -> None:
    """Every 50 ms: how many sessions wait on a lock (the reference counter's row, say), and
    which PostgreSQL processes work for this database, for the CPU accounting."""
    samples, waiting = 0, 0
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        for _ in range(20 * 3600):
            rows = await (await conn.execute(SESSIONS_SQL)).fetchall()
            samples, waiting = samples + 1, waiting + sum(1 for _, lock in rows if lock)
            for pid, _ in rows:  # remember its CPU time, in case it ends before the phase
                phase.postgres_cpu[pid] = _process_cpu(pid, phase.postgres_cpu.get(pid, 0.0))
            try:
                await asyncio.wait_for(stop.wait(), 0.05)
                break
            except TimeoutError:
                pass
    phase.lock_waits = waiting / samples if samples else 0.0


def checkpoint(database_url: str) -> None:
    """Start each phase with the WAL flushed, so a checkpoint does not land in one phase only."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


async def measure(load: ApiLoad | NoopLoad | InsertLoad, kind: str, clients: int,
                  args: argparse.Namespace, server_pid: int, rng: random.Random) -> Phase:
    checkpoint(args.database_url)
    busy = await wait_for_quiet(args.quiet_wait)
    jobs = make_jobs(args.requests, args.retry_share if kind == "api" else 0.0, rng)
    phase = await run_phase(load, kind, clients, jobs, args, server_pid)
    phase.busy_before_pct = busy
    print(f"  {kind:6} {clients:3} clients: {len(phase.latencies)} in {phase.wall_s:.1f} s, "
          f"p95 {phase.percentile(0.95):.1f} ms, {sum(phase.errors.values())} errors",
          file=sys.stderr, flush=True)
    return phase


async def run_all(args: argparse.Namespace, world: dict[str, object], server_pid: int
                  ) -> tuple[list[Phase], list[Phase], ApiLoad, InsertLoad]:
    rng = random.Random(args.seed)
    api = ApiLoad(args.port, str(world["token"]), int(world["unit_id"]))  # type: ignore[arg-type]
    noop = NoopLoad(args.port, str(world["token"]))
    insert = InsertLoad(args.database_url, {k: world[k] for k in ("trust_id", "unit_id",
                                                                   "user_id")})
    warm = min(max(args.levels), 2 * args.workers, 16)
    warmups = [  # warm every worker up; not in the table, but checked like the rest
        await run_phase(load, kind, warm, make_jobs(args.warmup, args.retry_share, rng), args,
                        server_pid)
        for load, kind in ((noop, "noop"), (api, "api"))
    ]
    loads = {"insert": insert, "noop": noop, "api": api}
    phases = []
    for clients in args.levels:
        for kind in args.kinds:
            tries: list[Phase] = []
            for _ in range(max(1, args.attempts)):
                tries.append(await measure(loads[kind], kind, clients, args, server_pid, rng))
                others = tries[-1].load().get("others_pct", 0.0)
                if others <= args.max_others:
                    break
                print(f"  (other work took {others:.0f}% of the CPUs)", file=sys.stderr)
            best = min(tries, key=lambda p: p.load().get("others_pct", 0.0))
            best.attempts = len(tries)
            phases.append(best)
            warmups.extend(p for p in tries if p is not best)  # checked, not reported
    return phases, warmups, api, insert


# ---------------------------------------------------------------------------------------------
# Checks and report.


def verify(database_url: str, api: ApiLoad, insert: InsertLoad, phases: list[Phase]
           ) -> list[tuple[str, bool, str]]:
    with psycopg.connect(database_url) as conn:
        rows, references = conn.execute(
            "SELECT count(*), count(DISTINCT reference) FROM incidents_incident").fetchone()
        ids = {str(r[0]) for r in conn.execute("SELECT id FROM incidents_incident")}
        staff = conn.execute("SELECT count(*) FROM incidents_staffaffected").fetchone()[0]
        audits = conn.execute("SELECT count(*), count(DISTINCT object_id) FROM audit_auditevent "
                              "WHERE action = 'create' AND object_type = 'incident'").fetchone()
        baseline = conn.execute(f"SELECT count(*) FROM {BASELINE_TABLE}").fetchone()[0]
    sent = len(api.sent_ids)
    failures = [f for p in phases for f in p.retry_failures]
    checked = sum(p.retries_checked for p in phases)
    created, replayed = sum(p.created for p in phases), sum(p.replayed for p in phases)
    resends = sum(p.stale_resends for p in phases)
    return [
        ("incident rows = distinct UUIDs sent", rows == sent and ids == api.sent_ids,
         f"{rows} rows, {sent} UUIDs sent, {len(ids ^ api.sent_ids)} differ"),
        ("every reference unique", references == rows, f"{references} distinct references"),
        ("one staff row per incident", staff == rows, f"{staff} staff rows"),
        ("one audit event per incident", audits[0] == rows and audits[1] == rows,
         f"{audits[0]} create events for {audits[1]} incidents"),
        ("every retry answered 200 with the first reference", not failures,
         f"{checked} retries, {len(failures)} wrong"
         + (f": {failures[:3]}" if failures else "")),
        ("one 201 per incident, one 200 per retry", created == rows and replayed == checked,
         f"{created} answered 201, {replayed} answered 200; {resends} sends repeated on a new "
         "connection because the server had closed an idle kept-alive one"),
        ("baseline rows = INSERTs made", baseline == insert.inserted,
         f"{baseline} rows, {insert.inserted} INSERTs"),
    ]


LABELS = {"insert": "psycopg INSERT", "noop": "Django no-op view", "api": "API create"}


def table(phases: list[Phase]) -> str:
    lines = ["| clients | what | operations | errors | per s | p50 ms | p95 ms | p99 ms |"
             " CPU ms/op: client / server / postgres | CPU busy % (others) | lock waits |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|"]
    for p in phases:
        cpu = {k: v * 1000 / max(1, len(p.latencies)) for k, v in p.cpu_s.items()}
        cpu_text = " / ".join(f"{cpu[k]:.2f}" if k in cpu else "-"
                              for k in ("client", "server", "postgres"))
        load = p.load()
        load_text = f"{load['machine_busy_pct']:.0f} ({load['others_pct']:.0f})" if load else "-"
        lines.append(f"| {p.clients} | {LABELS[p.kind]} | {len(p.latencies)} | "
                     f"{sum(p.errors.values())} | {p.throughput:.0f} | {p.percentile(0.5):.1f} | "
                     f"{p.percentile(0.95):.1f} | {p.percentile(0.99):.1f} | {cpu_text} | "
                     f"{load_text} | {p.lock_waits:.2f} |")
    return "\n".join(lines)


def machine(database_url: str) -> dict[str, str]:
    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in
                 Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with psycopg.connect(database_url) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "memory_gib": f"{memory:.0f}",
            "os": platform.platform(), "python": platform.python_version(),
            "postgresql": postgres}


def report(args: argparse.Namespace, phases: list[Phase], warmups: list[Phase],
           checks: list[tuple[str, bool, str]], info: dict[str, str]) -> bool:
    server = (f"waitress (`staffsafe serve`), {args.threads} threads"
              if args.server == "waitress" else
              f"granian (`staffsafe serve --workers {args.workers} --threads {args.threads}`)"
              if args.server == "granian" else
              f"{args.server}, {args.workers} workers"
              + (f" x {args.threads} threads" if args.server == "gunicorn-gthread" else ""))
    print(f"\nStaffSafe API create benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory_gib']} GiB, "
          f"{info['os']}, Python {info['python']}, PostgreSQL {info['postgresql']}")
    print(f"Server: {server}; {args.requests} operations per phase, "
          f"{args.retry_share:.0%} of API creates retried\n")
    print(table(phases))
    print()
    ok = True
    for name, passed, detail in checks:
        ok &= passed
        print(f"{'ok  ' if passed else 'FAIL'} {name}: {detail}")
    warmup_errors = sum(sum(p.errors.values()) for p in warmups)
    if warmup_errors:
        print(f"FAIL warm-up or repeated phases: {warmup_errors} errors "
              f"{[dict(p.errors) for p in warmups]}")
    errors = sum(sum(p.errors.values()) for p in phases) + warmup_errors
    ok &= errors == 0
    top = [p for p in phases if p.kind == "api" and p.clients == max(args.levels)]
    if top:
        p95 = top[0].percentile(0.95)
        verdict = "met" if p95 < TARGET_P95_MS and errors == 0 else "NOT met"
        print(f"\nTarget p95 < {TARGET_P95_MS:.0f} ms at {top[0].clients} clients, no error: "
              f"{verdict} (p95 {p95:.1f} ms, {errors} errors in all phases)")
    return ok


def save(args: argparse.Namespace, phases: list[Phase], checks: list[tuple[str, bool, str]],
         info: dict[str, str]) -> Path:
    folder = BENCH_DIR / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"api_create-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    options = {k: v for k, v in vars(args).items() if k != "database_url"}
    path.write_text(json.dumps({
        "machine": info, "options": options, "phases": [p.summary() for p in phases],
        "checks": [{"name": n, "ok": ok, "detail": d} for n, ok, d in checks],
    }, indent=2))
    return path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000,
                        help="operations per phase (API creates; retries come on top)")
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients, comma-separated")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help="phases to run at each level: insert, noop, api")
    parser.add_argument("--retry-share", type=float, default=0.10,
                        help="share of API creates sent twice with the same body")
    parser.add_argument("--server", choices=tuple(SERVER_DEFAULTS), default="granian",
                        help="granian and waitress through `staffsafe serve` (ADR 0015)")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (granian 2, gunicorn 4, gthread 3, waitress 1)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per process (granian 2, gthread 4, waitress 8)")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres@{HOST}:5432/staffsafe_bench"))
    parser.add_argument("--warmup", type=int, default=200, help="unreported requests first")
    parser.add_argument("--max-phase-seconds", type=float, default=300.0,
                        help="a phase stops here; operations left count as errors")
    parser.add_argument("--quiet-wait", type=float, default=120.0, metavar="SECONDS",
                        help="before each phase, wait up to this long for a machine that other "
                        "work has left idle (under 20%% busy)")
    parser.add_argument("--max-others", type=float, default=10.0, metavar="PERCENT",
                        help="measure a phase again if other work used more of the CPUs")
    parser.add_argument("--attempts", type=int, default=3,
                        help="at most this many measurements of a phase; the quietest is kept")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-server", type=float, default=0.0, metavar="SECONDS",
                        help="keep the server up this long after the load (for profiling)")
    args = parser.parse_args(argv)
    workers, threads = SERVER_DEFAULTS[args.server]
    args.workers = args.workers or workers
    args.threads = args.threads or threads
    if args.server == "waitress" and args.workers != 1:
        parser.error("waitress runs one process: --workers 1")
    args.levels = [int(n) for n in args.levels.split(",") if n.strip()]
    args.kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not args.levels or min(args.levels) < 1 or max(args.levels) > 200:
        parser.error("--levels takes 1 to 200 clients")
    if not 1 <= args.requests <= 100_000 or not set(args.kinds) <= set(KINDS):
        parser.error("--requests takes 1 to 100000; --kinds takes insert, noop, api")
    if not 0 <= args.retry_share <= 1:
        parser.error("--retry-share takes 0 to 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Stopped with SIGTERM, still stop the server (the finally below) and clean up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    name, args.database_url, admin_url = database_urls(args.database_url)
    with tempfile.TemporaryDirectory(prefix="staffsafe-bench-") as data_dir:
        env = django_env(args.database_url, data_dir)
        print(f"Re-creating {name} and migrating it ...", file=sys.stderr, flush=True)
        recreate_database(admin_url, name)
        world = prepare_database(env)
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f"CREATE TABLE {BASELINE_TABLE} (LIKE incidents_incident INCLUDING ALL)")
        args.port = free_port()
        log_path = Path(data_dir) / "server.log"
        server = start_server(args, env, args.port, log_path)
        print(f"Server {args.server} up on {HOST}:{args.port} (pid {server.pid})",
              file=sys.stderr, flush=True)
        try:
            phases, warmups, api, insert = asyncio.run(run_all(args, world, server.pid))
            time.sleep(min(args.keep_server, 600))
        finally:
            stop_server(server)
            server_log = log_path.read_text(errors="replace")[-2000:]
        checks = verify(args.database_url, api, insert, [*warmups, *phases])
        info = machine(args.database_url)
    ok = report(args, phases, warmups, checks, info)
    print(f"\nRaw figures: {save(args, phases, checks, info).relative_to(ROOT)}")
    if not ok and server_log.strip():
        print(f"\nLast lines of the server's log:\n{server_log}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
