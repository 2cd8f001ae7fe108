"""Private services for the failure tests: a Redis and a PostgreSQL cluster of their own.

The machine's shared PostgreSQL (5432) and Redis (6379) serve other test runs and are never
touched: these fixtures start a redis-server and an initdb'd cluster on free ports with their
data in a temporary folder, which the tests then stop and start at will. The site runs in
gunicorn subprocesses with production settings (DEBUG off) pointed at them.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from jobhelpers import closed_port as free_port
from jobhelpers import wait_until
from paths import ROOT

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- Redis ------------------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None, "already running"
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                "/usr/bin/redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: port_open(self.port), 10, "the private Redis")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    if not Path("/usr/bin/redis-server").exists():
        pytest.skip("needs /usr/bin/redis-server")
    redis = PrivateRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    yield redis
    redis.stop()


# --- PostgreSQL -------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    found.sort(key=lambda path: int(path.split("/")[4]))
    return Path(found[-1]).parent if found else None


@dataclass
class PrivatePostgres:
    """An initdb'd cluster (trust auth, no fsync) in a folder of its own. As root, the server
    programs run as the postgres user, which then owns the folder."""

    bin: Path
    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, dbname: str = "gazette") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def run(self, program: str, *args: str, timeout: float = 60) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*as_postgres, str(self.bin / program), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{program} {args}: {done.stdout}\n{done.stderr}"

    def pg_ctl(self, *args: str) -> None:
        self.run("pg_ctl", "-D", str(self.data), *args)

    def init(self) -> None:
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        settings = {
            "port": self.port,
            "unix_socket_directories": f"'{self.folder}'",
            "listen_addresses": "'127.0.0.1'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": 40,
            "shared_buffers": "'32MB'",
        }
        with (self.data / "postgresql.auto.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        self.pg_ctl("-l", str(self.folder / "server.log"), "-w", "-t", "30", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "-t", "30", "stop")

    def restart(self) -> None:
        log = str(self.folder / "server.log")
        self.pg_ctl("-l", log, "-m", "fast", "-w", "-t", "30", "restart")

    def running(self) -> bool:
        return port_open(self.port)

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="module")
def private_postgres():
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL server programs in /usr/lib/postgresql/*/bin")
    # Not under pytest's tmp folder: as root, the postgres user must be able to reach it.
    folder = Path(tempfile.mkdtemp(prefix="benxi-reliability-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = PrivatePostgres(bin_dir, folder)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.pg_ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


# --- the site, on those services --------------------------------------------------------------


def site_env(database_url: str, redis_url: str, media: Path, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) for a subprocess; not pytest's development defaults."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "DJANGO_", "CELERY_"))
        and k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "served_settings",
            "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "tests"), str(ROOT)]),
            "ENV_FILE": os.devnull,
            "DEBUG": "0",
            "SECRET_KEY": "test-only-" + secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(media),
            "STATIC_ROOT": str(media.parent / "static"),
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(extra)
    return env


def run_python(script: Path, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{script.name}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Site:
    """What site_setup.py made: ids and a secretariat token, and the private services."""

    postgres: PrivatePostgres
    redis: PrivateRedis
    database_url: str
    media: Path
    facts: dict

    def env(self, **extra: str) -> dict[str, str]:
        return site_env(self.database_url, self.redis.url, self.media, **extra)

    def start_worker(self) -> subprocess.Popen:
        """A Celery worker on the private Redis and database (stop it with terminate())."""
        return subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                *("-A", "benxi_gazette", "worker", "-P", "solo", "-l", "INFO"),
                *("--without-heartbeat", "--without-mingle", "--without-gossip"),
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


@pytest.fixture(scope="module")
def site(private_postgres, private_redis, tmp_path_factory) -> Site:
    """A migrated database on the private cluster with the seed issue (published, with its
    PDF), a small draft issue and a secretariat account with an API token."""
    private_postgres.create_database("gazette")
    media = tmp_path_factory.mktemp("site") / "media"
    database_url = private_postgres.url("gazette")
    # in-process jobs for the set-up: the seed issue's PDF is rendered here
    env = site_env(database_url, "", media)
    facts = json.loads(run_python(HERE / "site_setup.py", env).splitlines()[-1])
    return Site(private_postgres, private_redis, database_url, media, facts)


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, timeout: float = 15, **kwargs) -> requests.Response:
        return requests.get(self.url(path), timeout=timeout, allow_redirects=False, **kwargs)

    def post(self, path: str, timeout: float = 30, **kwargs) -> requests.Response:
        return requests.post(self.url(path), timeout=timeout, allow_redirects=False, **kwargs)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def gunicorn(site, tmp_path):
    """The site under gunicorn (2 workers), production settings, on the private services."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "benxi_gazette.wsgi",
                *("-b", f"127.0.0.1:{port}", "-w", "2"),
                *("--timeout", "30", "--graceful-timeout", "5"),
                *("--access-logfile", "-", "--error-logfile", "-"),
            ],
            cwd=ROOT,
            env=site.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(port, process, log)
    try:
        wait_until(lambda: _pings(server), 30, f"gunicorn (log: {server.log_text()[-2000:]})")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _pings(server: Gunicorn) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"gunicorn exited: {server.log_text()[-3000:]}")
    try:
        return server.get("/ping", timeout=2).status_code == 200
    except requests.RequestException:
        return False
