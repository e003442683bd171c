"""Validate compose.yaml and deploy/nginx.conf without a container engine.

Checks that the YAML parses (anchors, merge keys, interpolation with the values of
deploy/belbot.env.example), that every belbot service runs the image of ./Dockerfile with a
command the `belbot` CLI accepts and environment variables that the settings tree knows and
validates, that ports and host names line up between the services, the LLM server list and
the nginx upstream, and that no credential is written into compose.yaml or the image.

    .venv/bin/python deploy/check_compose.py [--strict]

Settings that another change is still adding are reported as PENDING (exit 0; --strict: 1).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import typer.main
import yaml
from pydantic import BaseModel, ValidationError

ROOT = Path(__file__).resolve().parent.parent
# Settings that another engineer's change is adding; checked fully once they exist.
PENDING_OK = {"BELBOT_STORE__URL"}
_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")

errors: list[str] = []
pending: list[str] = []


def fail(message: str) -> None:
    errors.append(message)


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, op, arg = m.group(1), m.group(2), m.group(3)
        value = env.get(name)
        if op and op.endswith("?") and not value:
            fail(f"compose.yaml needs {name} ({arg}), and the example env file lacks it")
            return ""
        if op and op.endswith("-") and not value:
            return arg or ""
        return value or ""

    return _VAR.sub(one, text)


def dockerfile_facts() -> dict[str, Any]:
    text = (ROOT / "Dockerfile").read_text("utf-8")
    joined = re.sub(r"\\\n", " ", text)
    runtime = joined.split("AS runtime", 1)[-1]
    facts = {
        "entrypoint": json.loads(re.findall(r"^ENTRYPOINT (.+)$", runtime, re.M)[-1]),
        "expose": re.findall(r"^EXPOSE (\d+)", runtime, re.M),
        "user": re.findall(r"^USER (\S+)", runtime, re.M)[-1],
        "healthcheck": re.findall(r"^HEALTHCHECK .*$", runtime, re.M)[-1],
        "env": dict(re.findall(r"(BELBOT_[A-Z_]+)=(\S+)", runtime)),
    }
    for word in ("PASSWORD", "SECRET", "TOKEN", "API_KEY"):
        if re.search(rf"^\s*(ENV|ARG)\s+\S*{word}", joined, re.M):
            fail(f"Dockerfile: an ENV or ARG named like a secret ({word})")
    return facts


def check_settings(name: str, env: dict[str, str]) -> None:
    """Every BELBOT_* variable names a settings field; together they validate."""
    from belbot.settings import Settings

    known: dict[str, str] = {}
    for var, value in env.items():
        if not var.startswith("BELBOT_"):
            continue
        model: type[BaseModel] = Settings
        path = var.removeprefix("BELBOT_").lower().split("__")
        for i, part in enumerate(path):
            field = model.model_fields.get(part)
            if field is None:
                if var in PENDING_OK:
                    pending.append(f"{name}: {var} (settings has no {'.'.join(path)} yet)")
                else:
                    fail(f"{name}: {var} is not a setting ({'.'.join(path[: i + 1])})")
                break
            annotation = field.annotation
            if i < len(path) - 1:
                if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                    fail(f"{name}: {var}: {'.'.join(path[: i + 1])} has no sub-settings")
                    break
                model = annotation
        else:
            known[var] = value
    saved = dict(os.environ)
    try:
        for var in [v for v in os.environ if v.startswith("BELBOT_")]:
            del os.environ[var]
        os.environ.update(known)
        Settings()
    except ValidationError as exc:
        fail(f"{name}: settings do not validate: {exc}")
    finally:
        os.environ.clear()
        os.environ.update(saved)


def check_command(name: str, args: list[str], entrypoint: list[str]) -> None:
    """The command parses with the real `belbot` CLI (options and their types), unrun."""
    from belbot.cli.app import app

    if entrypoint != ["belbot"]:
        fail(f"Dockerfile ENTRYPOINT is {entrypoint}, expected ['belbot']")
        return
    group: Any = typer.main.get_command(app)  # typer's own (vendored) click group
    try:
        ctx = group.make_context("belbot", list(args))
        sub_name, sub, rest = group.resolve_command(ctx, list(args))
        sub.make_context(sub_name, rest, parent=ctx)
    except Exception as exc:  # click's usage errors, from whichever click typer carries
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        fail(f"{name}: 'belbot {' '.join(args)}': {message}")


def option(args: list[str], flag: str, default: str | None = None) -> str | None:
    return args[args.index(flag) + 1] if flag in args else default


def main() -> int:
    strict = "--strict" in sys.argv[1:]
    env_example = read_env_file(ROOT / "deploy" / "belbot.env.example")
    raw = (ROOT / "compose.yaml").read_text("utf-8")
    for secret in ("POSTGRES_PASSWORD", "BELBOT_LLM_API_KEY"):
        if re.search(rf"(?<!\$\{{){secret}\s*[:=]\s*(?!\$\{{)\S", raw):
            fail(f"compose.yaml: {secret} is written in, not taken from the env file")
    doc = yaml.safe_load(interpolate(raw, env_example))
    services: dict[str, dict[str, Any]] = doc["services"]
    facts = dockerfile_facts()

    if "8000" not in facts["expose"]:
        fail("Dockerfile: EXPOSE 8000 missing")
    if facts["user"].split(":")[0] in ("0", "root"):
        fail("Dockerfile: the runtime user is root")
    if "/readyz" not in facts["healthcheck"] or "curl" in facts["healthcheck"]:
        fail("Dockerfile: HEALTHCHECK is not python's urllib on /readyz")

    belbot = {n: s for n, s in services.items() if s.get("build", {}).get("context") == "."}
    images = {s.get("image") for s in belbot.values()}
    if len(images) != 1:
        fail(f"the belbot services use different images: {images}")
    for n, s in belbot.items():
        dockerfile = s["build"].get("dockerfile", "Dockerfile")
        if not (ROOT / dockerfile).is_file():
            fail(f"{n}: build dockerfile {dockerfile} missing")
    api = {n: s for n, s in belbot.items() if s.get("command", [None])[0] == "serve"}
    llm = {n: s for n, s in belbot.items() if s.get("command", [None])[0] == "llm-serve"}
    if len(api) != 2 or len(llm) != 2:
        fail(f"expected 2 API replicas and 2 LLM servers, found {sorted(api)} and {sorted(llm)}")

    llm_endpoints = set()
    for n, s in llm.items():
        cmd = s["command"]
        check_command(n, cmd, facts["entrypoint"])
        port = option(cmd, "--port", "8081")
        if option(cmd, "--host") != "0.0.0.0":
            fail(f"{n}: llm-serve must listen on 0.0.0.0 inside its container")
        if [str(p) for p in s.get("expose", [])] != [port]:
            fail(f"{n}: expose {s.get('expose')} differs from --port {port}")
        if port not in " ".join(s.get("healthcheck", {}).get("test", [])):
            fail(f"{n}: its healthcheck does not probe port {port}")
        llm_endpoints.add(f"http://{n}:{port}")
        check_settings(n, {**facts["env"], **s.get("environment", {})})

    api_ports = set()
    for n, s in api.items():
        cmd, envs = s["command"], {**facts["env"], **s.get("environment", {})}
        check_command(n, cmd, facts["entrypoint"])
        check_settings(n, envs)
        if envs.get("BELBOT_API__HOST") != "0.0.0.0":
            fail(f"{n}: BELBOT_API__HOST must be set to 0.0.0.0 explicitly")
        port = option(cmd, "--port", envs.get("BELBOT_API__PORT", "8000"))
        api_ports.add(f"{n}:{port}")
        if [str(p) for p in s.get("expose", [])] != [port] or port not in facts["expose"]:
            fail(f"{n}: port {port} not in its expose list or the Dockerfile's EXPOSE")
        if envs.get("BELBOT_LLM__BACKEND") != "openai-compatible":
            fail(f"{n}: BELBOT_LLM__BACKEND is not openai-compatible")
        urls = set(json.loads(envs.get("BELBOT_LLM__SERVER_URLS", "[]")))
        if urls != llm_endpoints:
            fail(f"{n}: BELBOT_LLM__SERVER_URLS {sorted(urls)} != LLM services {llm_endpoints}")
        store = envs.get("BELBOT_STORE__URL", "")
        pg = services.get("postgres", {})
        pg_env = pg.get("environment", {})
        want = (
            f"postgresql://{pg_env.get('POSTGRES_USER')}:{pg_env.get('POSTGRES_PASSWORD')}"
            f"@postgres:5432/{pg_env.get('POSTGRES_DB')}"
        )
        if store != want:
            fail(f"{n}: BELBOT_STORE__URL does not point at the postgres service")
        for dep in s.get("depends_on", {}):
            if dep not in services:
                fail(f"{n}: depends on unknown service {dep}")
        if s.get("ports"):
            fail(f"{n}: an API replica publishes a port; only the proxy should")
    if not str(services.get("postgres", {}).get("image", "")).startswith("postgres:15"):
        fail("postgres: not PostgreSQL 15")

    proxy = services.get("proxy", {})
    conf_mount = [v for v in proxy.get("volumes", []) if "nginx.conf" in v]
    if not conf_mount or not (ROOT / conf_mount[0].split(":")[0]).is_file():
        fail("proxy: deploy/nginx.conf is not mounted")
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    upstream = set(re.findall(r"^\s*server\s+(\S+:\d+)", conf, re.M))
    if upstream != api_ports:
        fail(f"nginx upstream {sorted(upstream)} != API replicas {sorted(api_ports)}")
    listen = re.findall(r"^\s*listen\s+(\d+)", conf, re.M)
    published = [str(p).rsplit(":", 1)[-1] for p in proxy.get("ports", [])]
    if listen != published:
        fail(f"nginx listens on {listen}, compose publishes container port(s) {published}")
    for needle in ("client_max_body_size", "location = /readyz", "proxy_cache off", "no-store"):
        if needle not in conf:
            fail(f"nginx.conf lacks {needle!r}")
    networks = set(doc.get("networks", {}))
    for n, s in services.items():
        for net in s.get("networks", []):
            if net not in networks:
                fail(f"{n}: unknown network {net}")

    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    for must in (".git", ".venv", "var", "tmp", "*.env"):
        if must not in ignored:
            fail(f".dockerignore does not keep {must} out")

    for line in pending:
        sys.stdout.write(f"PENDING {line}\n")
    for line in errors:
        sys.stdout.write(f"FOUT {line}\n")
    if not errors:
        sys.stdout.write(
            f"compose.yaml ok: {len(services)} services ({', '.join(services)}); "
            f"API {sorted(api_ports)} -> LLM {sorted(llm_endpoints)}; nginx upstream matches\n"
        )
    return 1 if errors or (strict and pending) else 0


if __name__ == "__main__":
    sys.exit(main())
