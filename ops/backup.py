"""Backup and restore of the whole database, online (the site may keep serving while a backup runs).

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot page by
  page, also while writers are at work (WAL); restore copies a snapshot back the same way, in place.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot in one transaction) and
  `pg_restore --clean --if-exists --single-transaction` (all or nothing).

Uploaded media files are not in the database: docs/deployment.md backs up MEDIA_ROOT beside this.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not be done, with the reason in words for the operator."""


@dataclass(frozen=True)
class Target:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict

    @property
    def suffix(self) -> str:
        return ".sqlite3" if self.vendor == "sqlite" else ".pgdump"


def target(alias: str = "default") -> Target:
    connection = connections[alias]
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    return Target(connection.vendor, connection.settings_dict)


def backup(*, path: Path, alias: str = "default") -> Path:
    db = target(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")  # never a half-written file under the final name
    if db.vendor == "sqlite":
        source = sqlite3.connect(str(db.settings["NAME"]))
        dest = sqlite3.connect(str(partial))
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *_pg_args(db)], db)
    partial.replace(path)
    return path


def restore(*, path: Path, alias: str = "default") -> None:
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    db = target(alias)
    connections[alias].close()  # our own connection must not hold locks on the tables being replaced
    if db.vendor == "sqlite":
        with path.open("rb") as head:
            if head.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"不是 SQLite 备份文件：{path}")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dest = sqlite3.connect(str(db.settings["NAME"]), timeout=30)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    else:
        _run(
            ["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", *_pg_args(db), str(path)],
            db,
        )


def _pg_args(db: Target) -> list[str]:
    s = db.settings
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    return args


def _run(command: list[str], db: Target) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian：postgresql-client）")
    env = dict(os.environ)
    if db.settings.get("PASSWORD"):
        env["PGPASSWORD"] = db.settings["PASSWORD"]  # not on the command line, where ps would show it
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[-500:]}")
