"""Helpers shared by the benchmarks: a throwaway project environment, server processes,
a tiny keep-alive HTTP client, and writing a section of docs/benchmarks.md."""

import asyncio
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
# The checkout whose manage.py and server run (BENCH_APP_ROOT: e.g. a worktree of the code before a
# change, measured by this checkout's client); the results are written here.
APP_ROOT = Path(os.environ.get("BENCH_APP_ROOT", ROOT))


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu}){mem}, {system}, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(var_dir: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update({"LIANBING_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "ERROR"})
    env.update(extra)
    return env


@contextmanager
def project_env(**extra: str):
    """A migrated throwaway database (SQLite under a temp var dir unless DATABASE_URL is given)."""
    with tempfile.TemporaryDirectory(prefix="lianbing-bench-") as var_dir:
        env = bench_env(var_dir, **extra)
        manage(env, "migrate", "--noinput", "-v0")
        yield env


def manage(env: dict, *args: str, input_text: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=APP_ROOT, env=env, capture_output=True, text=True, input=input_text
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def server_log(port: int):
    """Where a server's stderr goes: a file, never an unread pipe (a server that logged 64 KB into
    a pipe nobody reads blocks on its next write and looks idle). BENCH_LOGS=dir keeps the logs."""
    folder = os.environ.get("BENCH_LOGS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return open(Path(folder) / f"server-{port}.log", "w+b")  # noqa: SIM115 - closed by server()
    return tempfile.TemporaryFile()  # noqa: SIM115


def listening(port: int, proc: subprocess.Popen, timeout: float) -> bool:
    """Wait until the process listens on 127.0.0.1:port; False if it exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.05)


@contextmanager
def server(cmd: list[str], env: dict, port: int):
    log = server_log(port)
    proc = subprocess.Popen(cmd, cwd=APP_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        if not listening(port, proc, 30):
            log.seek(0)
            raise RuntimeError(f"server did not start: {log.read().decode()[-2000:]}")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def http_get_many(port: int, path: str, *, clients: int, requests_each: int, headers: str = "") -> float:
    """Requests per second over `clients` keep-alive connections."""

    async def one_client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n{headers}\r\n".encode()
        for _ in range(requests_each):
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 2"):
                raise RuntimeError(head[:200])
            match = re.search(rb"content-length:\s*(\d+)", head, re.IGNORECASE)
            if match:
                await reader.readexactly(int(match.group(1)))
            else:  # chunked
                while True:
                    size = int((await reader.readline()).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return clients * requests_each / (time.perf_counter() - start)


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section `## name` of docs/benchmarks.md."""
    DOC.parent.mkdir(exist_ok=True)
    text = (
        DOC.read_text()
        if DOC.exists()
        else "# Benchmarks\n\nWritten by `make bench`; each figure is a ratio against a baseline of the same run.\n"
    )
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    section = f"## {name}\n\n_Measured {stamp} on {machine()}._\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    # A function as the replacement, so that a backslash in the section is taken literally.
    text = (
        pattern.sub(lambda _match: section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    )
    DOC.write_text(text)


@contextmanager
def own_redis():
    """A redis-server of the benchmark's own, with Redis' default limits (among them
    `client-output-buffer-limit pubsub 32mb 8mb 60`), on a free port: no other user of the
    machine's Redis shares its pub/sub traffic or its client count. Yields its URL, or the
    BENCH_REDIS_URL fallback when there is no redis-server binary."""
    import shutil

    if shutil.which("redis-server") is None:
        yield None
        return
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        if not listening(port, proc, 10):
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
