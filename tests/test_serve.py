"""`staffsafe serve`: a real server in its own process, asked over real HTTP."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command

START_TIMEOUT_S = 60


def _demo_env(tmp_path) -> dict[str, str]:
    """A server process's environment: demo mode on its own SQLite file in `tmp_path`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(STAFFSAFE_DEMO_MODE="true", STAFFSAFE_DATA_DIR=str(tmp_path))
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """Start `staffsafe serve` with the given arguments on a free port; stop it afterwards."""
    started = []

    def start(*args: str) -> tuple[subprocess.Popen, int]:
        port = _free_port()
        env = _demo_env(tmp_path)
        log = tmp_path / f"serve-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "staffsafe.cli", "serve", "--port", str(port), *args],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        started.append(process)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process, port
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"staffsafe serve {' '.join(args)} did not listen within {START_TIMEOUT_S} s")

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, dict, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_several_workers_serve_pages_and_static_files_over_one_kept_alive_connection(server):
    process, port = server("--workers", "2", "--threads", "2")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, headers, body = _get(connection, "/sign-in/")
    assert status == 200
    assert b"Sign in" in body
    assert "content-security-policy" in headers and headers["x-frame-options"] == "DENY"
    first_socket = connection.sock
    status, headers, body = _get(connection, "/static/core/staffsafe.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and body
    assert connection.sock is first_socket, "the server closed a kept-alive connection"
    connection.close()

    # The two worker processes and the one that watches them.
    children = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True,  # noqa: S603, S607
                              text=True, check=False).stdout.split()
    assert len(children) >= 3

    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(timeout=30) is not None


def test_one_process_serves_with_waitress(server):
    _, port = server()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, headers, body = _get(connection, "/sign-in/")
    assert status == 200 and b"Sign in" in body
    assert headers["server"] == "StaffSafe"
    connection.close()


@pytest.mark.parametrize("args", [["--workers", "0"], ["--workers", "2", "--threads", "0"]])
def test_a_nonsense_count_is_refused_before_anything_starts(args):
    with pytest.raises(CommandError, match="--workers and --threads take a whole number"):
        call_command("serve", *args)


def test_a_server_process_imports_every_view_before_its_first_request(tmp_path):
    """Otherwise the first request each process serves would wait while the analytics views
    import scipy and matplotlib (about a second)."""
    env = {**_demo_env(tmp_path), "DJANGO_SETTINGS_MODULE": "staffsafe.config.settings"}
    probe = ("import sys; import staffsafe.config.wsgi; "
             "print(sorted({'staffsafe.config.urls', 'staffsafe.analytics.views', "
             "'staffsafe.incidents.api', 'staffsafe.incidents.views'} - set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
