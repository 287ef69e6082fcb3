"""Configuration read from environment variables, validated once at start-up."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse


class ConfigurationError(Exception):
    """A configuration value is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None
    kafka_bootstrap_servers: str | None
    kafka_topic: str
    kafka_max_poll_interval_ms: int
    jwt_secret: str
    jwt_issuer: str
    jwt_audience: str
    jwt_ttl_seconds: int
    anthropic_api_key: str | None = field(default=None, repr=False)
    web_command_url: str = ""
    web_origins: tuple[str, ...] = ()
    master_key: bytes = field(default=b"", repr=False)
    metrics_token: str | None = field(default=None, repr=False)
    check_limit_per_hour: int = 10
    firm_requests_per_minute: int = 1200
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    login_max_failures_per_address: int = 50
    password_hash_parallel: int = 2
    password_hash_queue: int = 32
    retention_inactive_days: int = 2555
    retention_grace_days: int = 30
    log_level: str = "INFO"
    refresh_ttl_seconds: int = 43200
    log_format: str | None = None  # unset: text for `visa serve`, JSON for every other process
    health_host: str = "127.0.0.1"
    health_port: int = 9400
    stuck_check_seconds: int = 300
    check_lease_seconds: int = 30
    key_store: str = "database"
    vault_addr: str | None = None
    vault_token: str | None = field(default=None, repr=False)
    vault_transit_mount: str = "transit"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def uses_kafka(self) -> bool:
        return self.kafka_bootstrap_servers is not None

    def sqlite_path(self, name: str) -> Path:
        return self.data_dir / f"{name}.sqlite"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from the environment, raising ConfigurationError on bad values."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("VISA_DATA_DIR") or "./data").resolve()
    database_url = env.get("VISA_DATABASE_URL") or None
    if database_url and urlparse(database_url).scheme not in ("postgres", "postgresql"):
        raise ConfigurationError(
            "VISA_DATABASE_URL must be a postgresql:// URL, got a "
            f"{urlparse(database_url).scheme or 'schemeless'} value"
        )
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        kafka_bootstrap_servers=_bootstrap_servers(env),
        kafka_topic=env.get("VISA_KAFKA_TOPIC") or "visa.events",
        kafka_max_poll_interval_ms=_positive_int(env, "VISA_KAFKA_MAX_POLL_INTERVAL_MS", 300_000),
        jwt_secret=env.get("VISA_JWT_SECRET") or _embedded_secret(data_dir, database_url),
        jwt_issuer=env.get("VISA_JWT_ISSUER") or "visa-eligibility",
        jwt_audience=env.get("VISA_JWT_AUDIENCE") or "visa-eligibility-api",
        jwt_ttl_seconds=_positive_int(env, "VISA_JWT_TTL_SECONDS", 3600),
        refresh_ttl_seconds=_positive_int(env, "VISA_REFRESH_TTL_SECONDS", 43200),
        anthropic_api_key=env.get("ANTHROPIC_API_KEY") or None,
        web_command_url=(env.get("VISA_WEB_COMMAND_URL") or "").rstrip("/"),
        web_origins=tuple(o.strip().rstrip("/") for o in (env.get("VISA_WEB_ORIGINS") or "").split(",")
                          if o.strip()),
        master_key=_master_key(env.get("VISA_MASTER_KEY"), data_dir, database_url),
        metrics_token=env.get("VISA_METRICS_TOKEN") or _embedded_metrics_token(data_dir,
                                                                               database_url),
        check_limit_per_hour=_positive_int(env, "VISA_CHECK_LIMIT_PER_HOUR", 10),
        firm_requests_per_minute=_positive_int(env, "VISA_FIRM_REQUESTS_PER_MINUTE", 1200),
        login_max_failures=_positive_int(env, "VISA_LOGIN_MAX_FAILURES", 5),
        login_lockout_seconds=_positive_int(env, "VISA_LOGIN_LOCKOUT_SECONDS", 900),
        login_max_failures_per_address=_positive_int(env, "VISA_LOGIN_MAX_FAILURES_PER_ADDRESS",
                                                     50),
        password_hash_parallel=_positive_int(env, "VISA_PASSWORD_HASH_PARALLEL", 2),
        password_hash_queue=_positive_int(env, "VISA_PASSWORD_HASH_QUEUE", 32),
        retention_inactive_days=_positive_int(env, "VISA_RETENTION_INACTIVE_DAYS", 2555),
        retention_grace_days=_positive_int(env, "VISA_RETENTION_GRACE_DAYS", 30),
        log_level=log_level(env),
        log_format=log_format(env),
        health_host=env.get("VISA_HEALTH_HOST") or "127.0.0.1",
        health_port=_port(env, "VISA_HEALTH_PORT", 9400),
        stuck_check_seconds=_positive_int(env, "VISA_STUCK_CHECK_SECONDS", 300),
        check_lease_seconds=_positive_int(env, "VISA_CHECK_LEASE_SECONDS", 30),
        **_key_store(env),
    )


KEY_STORES = ("database", "vault")


def _key_store(env) -> dict:
    """Where clients' data keys are wrapped: the database (master key) or Vault's transit."""
    kind = (env.get("VISA_KEY_STORE") or "database").lower()
    if kind not in KEY_STORES:
        raise ConfigurationError(
            f"VISA_KEY_STORE must be one of {', '.join(KEY_STORES)}, got {kind!r}")
    settings = {"key_store": kind, "vault_addr": env.get("VISA_VAULT_ADDR") or None,
                "vault_token": env.get("VISA_VAULT_TOKEN") or None,
                "vault_transit_mount": env.get("VISA_VAULT_TRANSIT_MOUNT") or "transit"}
    if kind == "vault" and not (settings["vault_addr"] and settings["vault_token"]):
        raise ConfigurationError(
            "VISA_KEY_STORE=vault needs VISA_VAULT_ADDR and VISA_VAULT_TOKEN")
    return settings


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("json", "text")


def log_level(environ=None, default: str | None = "INFO") -> str | None:
    """Return VISA_LOG_LEVEL, upper-cased (default when unset), or raise ConfigurationError."""
    env = os.environ if environ is None else environ
    return _one_of("VISA_LOG_LEVEL", env.get("VISA_LOG_LEVEL"), LOG_LEVELS, default, str.upper)


def log_format(environ=None, default: str | None = None) -> str | None:
    """Return VISA_LOG_FORMAT (json or text; default when unset), or raise ConfigurationError."""
    env = os.environ if environ is None else environ
    return _one_of("VISA_LOG_FORMAT", env.get("VISA_LOG_FORMAT"), LOG_FORMATS, default, str.lower)


def _one_of(name: str, raw: str | None, choices: tuple[str, ...], default, normalise):
    if not raw:
        return default
    value = normalise(raw)
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _bootstrap_servers(env) -> str | None:
    raw = env.get("VISA_KAFKA_BOOTSTRAP_SERVERS") or None
    if raw is None:
        return None
    for server in raw.split(","):
        host, _, port = server.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ConfigurationError(
                "VISA_KAFKA_BOOTSTRAP_SERVERS must be host:port[,host:port...], "
                f"got {raw!r}")
    return raw


def _port(env, name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise ConfigurationError(f"{name} must be a port number (0-65535), got {raw!r}")
    return int(raw)


def _positive_int(env, name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    return value


def _embedded_secret(data_dir: Path, database_url: str | None) -> str:
    # The embedded default must work with no set-up, so it keeps a generated
    # signing key in its data directory; a distributed deployment must set one.
    if database_url:
        raise ConfigurationError(
            "VISA_JWT_SECRET is required when VISA_DATABASE_URL is set "
            "(every service must verify the same tokens)"
        )
    key_file = data_dir / "jwt-secret"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _embedded_metrics_token(data_dir: Path, database_url: str | None) -> str | None:
    # The embedded default serves /metrics on its one public port: behind a token kept in
    # the data directory. A distributed deployment scrapes the APIs' ports from inside its
    # network and requires a token only when VISA_METRICS_TOKEN is set.
    if database_url:
        return None
    token_file = data_dir / "metrics-token"
    if token_file.exists():
        return token_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    token_file.write_text(token)
    token_file.chmod(0o600)
    return token


def _master_key(raw: str | None, data_dir: Path, database_url: str | None) -> bytes:
    # The master key wraps every client's data key; like the signing key, the
    # embedded default keeps a generated one in its data directory.
    if raw:
        return _decode_master_key(raw)
    if database_url:
        raise ConfigurationError(
            "VISA_MASTER_KEY is required when VISA_DATABASE_URL is set "
            "(32 random bytes, base64: python -c 'import os,base64;"
            "print(base64.b64encode(os.urandom(32)).decode())')"
        )
    key_file = data_dir / "master-key"
    if key_file.exists():
        return _decode_master_key(key_file.read_text().strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    encoded = base64.b64encode(secrets.token_bytes(32)).decode()
    key_file.write_text(encoded)
    key_file.chmod(0o600)
    return base64.b64decode(encoded)


def _decode_master_key(raw: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError("VISA_MASTER_KEY must be base64") from None
    if len(key) != 32:
        raise ConfigurationError(f"VISA_MASTER_KEY must decode to 32 bytes, got {len(key)}")
    return key
