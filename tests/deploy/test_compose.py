"""compose.yaml, as Docker Compose itself resolves it: services, order, ports, volumes, secrets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from devtools.seaweedfs import LocalS3Server
from scripts.compose_check import REPO, compose

APP_SERVICES = ("setup", "web")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|ACCESS_KEY|TOKEN")


def environment(service: dict[str, Any]) -> dict[str, str]:
    return service.get("environment") or {}


def published(service: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(p["host_ip"], p["published"], p["target"]) for p in service.get("ports", [])]


def test_the_stack_is_web_database_s3_and_a_setup_job(services: dict[str, Any]) -> None:
    assert set(services) == {"web", "db", "s3", "setup"}


def test_compose_accepts_the_file_with_the_example_settings() -> None:
    result = compose("config", "-q")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["db", "s3"])
def test_database_and_s3_report_their_health(services: dict[str, Any], name: str) -> None:
    healthcheck = services[name]["healthcheck"]

    assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}
    assert healthcheck["retries"] >= 3


def test_the_database_is_healthy_when_it_accepts_connections(services: dict[str, Any]) -> None:
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]


def test_s3_is_healthy_when_its_s3_port_answers(services: dict[str, Any]) -> None:
    assert services["s3"]["healthcheck"]["test"][-1] == "http://127.0.0.1:8333/healthz"


def test_setup_waits_for_a_healthy_database_and_s3(services: dict[str, Any]) -> None:
    depends_on = services["setup"]["depends_on"]

    assert {name: d["condition"] for name, d in depends_on.items()} == {
        "db": "service_healthy",
        "s3": "service_healthy",
    }
    assert services["setup"]["restart"] == "no"


def test_web_starts_only_after_setup_finished_successfully(services: dict[str, Any]) -> None:
    depends_on = services["web"]["depends_on"]

    assert depends_on["setup"]["condition"] == "service_completed_successfully"
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["s3"]["condition"] == "service_healthy"


def test_setup_migrates_then_prepares_the_bucket_then_sends_static_files(
    services: dict[str, Any],
) -> None:
    script = " ".join(services["setup"]["command"])

    steps = re.findall(r"manage\.py (\w+)", script)
    assert steps == ["migrate", "createcachetable", "s3_setup", "collectstatic"]
    assert "&&" in script  # a failed step fails the job, so web never starts on a broken setup


def test_every_worker_counts_rate_limits_in_the_same_database_cache(
    services: dict[str, Any],
) -> None:
    environment = services["web"]["environment"]

    assert environment["DJANGO_CACHE_BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert int(environment["WEB_CONCURRENCY"]) > 1
    assert "createcachetable" in " ".join(services["setup"]["command"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_is_built_from_the_repository_dockerfile(
    services: dict[str, Any], name: str
) -> None:
    build = services[name]["build"]

    assert Path(build["context"]) == REPO
    assert build["dockerfile"] == "Dockerfile"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_runs_in_production_mode_with_static_files_on_s3(
    services: dict[str, Any], name: str
) -> None:
    env = environment(services[name])

    assert env["DJANGO_DEBUG"] == "false"
    assert env["USE_S3_STATIC"] == "true"
    assert env["DATABASE_URL"].startswith("postgres://uploads:")
    assert env["DATABASE_URL"].endswith("@db:5432/uploads")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_reaches_s3_inside_the_stack_and_browsers_on_the_host(
    services: dict[str, Any], name: str
) -> None:
    env = environment(services[name])
    ((_, host_port, _),) = published(services["s3"])

    assert env["AWS_S3_ENDPOINT_URL"] == "http://s3:8333"
    assert env["AWS_S3_PUBLIC_ENDPOINT_URL"] == f"http://localhost:{host_port}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_container_is_locked_down(services: dict[str, Any], name: str) -> None:
    service = services[name]

    assert service["read_only"] is True
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]


def test_browsers_may_upload_from_the_published_web_address(services: dict[str, Any]) -> None:
    ((_, web_port, _),) = published(services["web"])
    origins = environment(services["web"])["S3_CORS_ORIGINS"].split(",")

    assert f"http://localhost:{web_port}" in origins


def test_only_web_and_s3_are_published_and_only_on_localhost(services: dict[str, Any]) -> None:
    assert published(services["web"]) == [("127.0.0.1", "8000", 8000)]
    assert published(services["s3"]) == [("127.0.0.1", "8333", 8333)]
    assert published(services["db"]) == []
    assert published(services["setup"]) == []


def test_data_lives_in_named_volumes(stack: dict[str, Any], services: dict[str, Any]) -> None:
    def named(service: dict[str, Any]) -> dict[str, str]:
        return {v["source"]: v["target"] for v in service["volumes"] if v["type"] == "volume"}

    assert named(services["db"]) == {"db-data": "/var/lib/postgresql/data"}
    assert named(services["s3"]) == {"s3-data": "/data"}
    assert set(stack["volumes"]) == {"db-data", "s3-data"}


def test_every_secret_comes_from_the_env_file(
    services: dict[str, Any], secret_values: dict[str, str]
) -> None:
    given = set(secret_values.values())
    found = {}
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                found[f"{name}.{key}"] = value

    assert found, "no secret-looking variable at all: the pattern is wrong"
    assert {key: value for key, value in found.items() if value not in given} == {}
    for name in APP_SERVICES:
        password = secret_values["POSTGRES_PASSWORD"]
        assert f":{password}@" in environment(services[name])["DATABASE_URL"]


def test_the_s3_keys_of_the_app_are_the_s3_server_keys(services: dict[str, Any]) -> None:
    server = environment(services["s3"])
    app = environment(services["web"])

    assert app["AWS_ACCESS_KEY_ID"] == server["S3_ACCESS_KEY"]
    assert app["AWS_SECRET_ACCESS_KEY"] == server["S3_SECRET_KEY"]


def test_the_stack_refuses_to_start_without_its_secrets() -> None:
    result = compose("config", "-q", secrets={})

    assert result.returncode != 0
    assert "required variable" in result.stderr


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "S3_SECRET_KEY"])
def test_each_secret_is_required(secret_values: dict[str, str], name: str) -> None:
    result = compose("config", "-q", secrets={k: v for k, v in secret_values.items() if k != name})

    assert result.returncode != 0
    assert f"required variable {name} is missing" in result.stderr


def test_s3_is_the_official_seaweedfs_image_pinned(services: dict[str, Any]) -> None:
    assert re.fullmatch(r"chrislusf/seaweedfs:\d+\.\d+", services["s3"]["image"])


def test_s3_runs_weed_mini_with_the_flags_of_make_dev(services: dict[str, Any]) -> None:
    local = LocalS3Server(data_dir=Path("/d"), access_key="a", secret_key="b")
    # Everything but where it stores, which address it uses and which ports (set per test run).
    varying = re.compile(r"dir|ip|ip\.bind|s3\.config|\w+\.port(\.grpc)?")
    fixed_flags = {
        flag for flag in local.command()[2:] if not varying.fullmatch(flag[1:].split("=")[0])
    }

    command = services["s3"]["command"]
    assert command[0] == "mini"
    assert "-webdav=false" in fixed_flags
    assert fixed_flags <= set(command)
    assert {"-dir=/data", "-ip=s3", "-ip.bind=0.0.0.0"} <= set(command)


def test_s3_identities_are_written_at_start_from_the_env(services: dict[str, Any]) -> None:
    s3 = services["s3"]
    binds = {v["target"]: v for v in s3["volumes"] if v["type"] == "bind"}

    assert s3["entrypoint"] == ["/bin/sh", "/deploy/seaweedfs-entrypoint.sh"]
    assert Path(binds["/deploy/seaweedfs-entrypoint.sh"]["source"]) == (
        REPO / "deploy/seaweedfs-entrypoint.sh"
    )
    assert binds["/deploy/seaweedfs-entrypoint.sh"]["read_only"] is True
    assert not any("s3.config" in flag for flag in s3["command"])
    assert not list(REPO.glob("deploy/**/*.json"))


def test_every_variable_the_stack_reads_is_in_the_env_example() -> None:
    used = set(re.findall(r"\$\{(\w+)", (REPO / "compose.yaml").read_text()))
    documented = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M)
    )

    assert used - documented == set()


def test_the_env_example_holds_no_secret_values() -> None:
    example = (REPO / ".env.example").read_text()
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", example, re.M))

    assert {name: values[name] for name in values if SECRET_NAME.search(name)} == {
        "DJANGO_SECRET_KEY": "",
        "POSTGRES_PASSWORD": "",
        "S3_ACCESS_KEY": "",
        "S3_SECRET_KEY": "",
    }
