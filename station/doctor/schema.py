"""Database schema version: the database's Alembic revision against this build's head.

Uses the store's public API (``station.store.engine``, ``station.store.migrate``). A SQLite file
that does not exist yet is fine (it is created and migrated at first start) and is not created
here; a database behind this build is migrated at start (a warning); one this build does not
know was made by a newer station and is refused at start (a failure), as the store does.
"""

from __future__ import annotations

from pathlib import Path

from station.config import Settings
from station.doctor import Finding, finding

TITLE = ("数据库结构版本", "database schema version")


def check(settings: Settings, data_dir: Path) -> Finding:
    try:
        from station.store.engine import database_url, make_engine, sqlite_path
        from station.store.migrate import current_revision, head_revision
    except ImportError:
        return finding(
            "database",
            TITLE,
            "skip",
            ("此版本未包含数据库模块，未检查", "this build has no store module; not checked"),
        )
    url = database_url(settings.storage, data_dir)
    path = sqlite_path(url)
    head = head_revision()
    if path is not None and not path.exists():
        return finding(
            "database",
            TITLE,
            "ok",
            (
                f"{path} 尚不存在，首次启动时创建（版本 {head}）",
                f"{path} does not exist yet; it is created at first start (revision {head})",
            ),
        )
    try:
        engine = make_engine(url)
        try:
            current = current_revision(engine)
        finally:
            engine.dispose()
    except Exception as exc:  # any driver error: the finding explains it
        shown = url if path is not None else url.split("@")[-1]  # never print a password
        return finding(
            "database",
            TITLE,
            "fail",
            (f"无法打开数据库 {shown}：{exc}", f"cannot open the database {shown}: {exc}"),
            (
                "检查 [storage].database_url、数据库服务和权限",
                "check [storage].database_url, the database server and its permissions",
            ),
        )
    return _compare(current, head)


def _compare(current: str | None, head: str) -> Finding:
    from alembic.script import ScriptDirectory

    from station.store.migrate import alembic_config

    if current == head:
        return finding(
            "database",
            TITLE,
            "ok",
            (f"结构版本 {head}，为最新", f"schema revision {head}, current"),
        )
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        return finding(
            "database",
            TITLE,
            "fail",
            (
                f"数据库版本 {current} 比本程序新（本程序最高 {head}）",
                f"the database is at revision {current}, newer than this build (up to {head})",
            ),
            (
                "安装较新版本的登记站，或从备份恢复数据库",
                "install the newer station, or restore a backup of the database",
            ),
        )
    return finding(
        "database",
        TITLE,
        "warn",
        (
            f"数据库版本 {current or '空'}，启动时将先备份再升级到 {head}",
            f"the database is at revision {current or 'none'}; it is backed up and upgraded to {head} at start",
        ),
        (
            "无需操作；如需保险可先备份数据目录",
            "nothing to do; back up the data folder first if you like",
        ),
    )
