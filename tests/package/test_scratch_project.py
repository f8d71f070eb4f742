"""The README's "Add it to your project", followed literally in a brand-new project.

Builds the wheel, makes a fresh virtualenv and a project with `django-admin startproject`,
then does exactly what the README's section says — its shell commands run, its `# settings.py`
and `# urls.py` blocks are appended to those files — and nothing else. Then `check`, a server
against SeaweedFS, and a public and a private upload through the API mounted where the README
mounts it. A step missing from the README makes this fail.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.seaweedfs import LocalS3Server, free_port, stop_group
from tests.conftest import s3_client_for

REPO = Path(__file__).resolve().parents[2]
SECTION = "## Add it to your project"
MODELS_SECTION = "### Use it in your models, forms and admin"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
PASSWORD = "scratch-password-0192"


def readme_steps(section_title: str = SECTION, *, in_list: bool = True) -> list[tuple[str, str]]:
    """(language, code) of each fenced block in a README section, in order; `in_list`: the
    blocks are inside list items, indented."""
    readme = (REPO / "README.md").read_text()
    start = readme.index(section_title)
    # The steps end at the next heading (a subsection is about something else).
    end = re.search(r"\n#{2,3} ", readme[start + len(SECTION) :])
    section = readme[start : start + len(section_title) + end.start() if end else None]
    # Blocks inside list items are indented; dedent each line as a block would be.
    lines = section.splitlines()
    if in_list:
        lines = [line[4:] if line.startswith("    ") else line for line in lines]
    return [(lang, code) for lang, code in FENCE.findall("\n".join(lines) + "\n")]


def readme_block(target: str) -> str:
    """The README's `# models.py` or `# admin.py` block, made a module: the admin's models
    come from the models block (the README shows them side by side)."""
    for lang, code in readme_steps(MODELS_SECTION, in_list=False):
        first, _, body = code.partition("\n")
        if lang == "python" and first == target:
            imports = (
                "from documents.models import Attachment, Document\n" if "admin" in target else ""
            )
            return imports + textwrap.dedent(body)
    raise AssertionError(f"No {target} block in the README's {MODELS_SECTION!r}")


@pytest.fixture(scope="module")
def project(
    tmp_path_factory: pytest.TempPathFactory, wheel_path: Path, seaweedfs: LocalS3Server
) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("scratch")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    bucket = f"scratch-{uuid.uuid4().hex[:10]}"
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "HOME": str(root),
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ACCESS_KEY_ID": seaweedfs.access_key,
        "AWS_SECRET_ACCESS_KEY": seaweedfs.secret_key,
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": seaweedfs.endpoint_url,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    subprocess.run([venv / "bin" / "pip", "install", "-q", "django>=5.2,<6.2"], env=env, check=True)
    site = root / "site"
    site.mkdir()
    subprocess.run(
        [venv / "bin" / "django-admin", "startproject", "scratch", str(site)], env=env, check=True
    )

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        return done

    steps = readme_steps()
    assert [lang for lang, _ in steps] == ["sh", "python", "python", "sh"], steps
    for lang, code in steps:
        if lang == "python":
            target, _, body = code.partition("\n")
            assert target in {"# settings.py", "# urls.py"}, target
            with (site / "scratch" / target[2:]).open("a") as file:
                file.write("\n" + textwrap.dedent(body))
            continue
        for line in code.splitlines():
            command = line.split("#")[0].split()
            if not command:
                continue
            if command == ["pip", "install", "django-direct-to-s3"]:
                run(str(venv / "bin" / "pip"), "install", "-q", str(wheel_path))
            elif command[:2] == ["python", "manage.py"]:
                run(python, "manage.py", *command[2:])
            else:
                pytest.fail(f"The test does not know the README's command {line!r}")

    # "Use it in your models, forms and admin": its models.py and admin.py in an app.
    run(python, "manage.py", "startapp", "documents")
    for target in ("# models.py", "# admin.py"):
        (site / "documents" / target[2:]).write_text(readme_block(target))
    with (site / "scratch" / "settings.py").open("a") as file:
        file.write('\nINSTALLED_APPS += ["documents"]\n')
    run(python, "manage.py", "makemigrations", "documents")
    run(python, "manage.py", "migrate")

    check = run(python, "manage.py", "check")
    env.update({"DJANGO_SUPERUSER_PASSWORD": PASSWORD})
    run(
        python,
        "manage.py",
        "createsuperuser",
        "--noinput",
        "--username=ada",
        "--email=ada@example.com",
    )
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/admin/login/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield {"base": base, "bucket": bucket, "check": check.stdout + check.stderr}
    finally:
        stop_group(server)


@pytest.fixture(scope="module")
def session(project: dict[str, Any]) -> requests.Session:
    """Logged in through the admin's login form, as a person would."""
    browser = requests.Session()
    login = f"{project['base']}/admin/login/"
    browser.get(login, timeout=10)
    answer = browser.post(
        login,
        data={
            "username": "ada",
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": "/admin/",
        },
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    browser.headers["X-CSRFToken"] = browser.cookies["csrftoken"]
    browser.headers["Referer"] = project["base"] + "/"
    return browser


def absolute(project: dict[str, Any], url: str) -> str:
    return url if url.startswith("http") else project["base"] + url


def upload(session: requests.Session, project: dict[str, Any], visibility: str) -> Any:
    content = f"hello from a {visibility} file\n".encode()
    started = session.post(
        f"{project['base']}/uploads/api/uploads",
        json={
            "filename": f"{visibility}.txt",
            "content_type": "text/plain",
            "size": len(content),
            "visibility": visibility,
        },
        timeout=10,
    )
    assert started.status_code == 201, started.text
    ticket = started.json()
    form = ticket["upload"]
    sent = requests.post(
        form["url"], data=form["fields"], files={"file": ("f", content)}, timeout=10
    )
    assert sent.status_code in (201, 204), sent.text
    complete = ticket["links"]["complete"]
    done = session.post(absolute(project, complete), timeout=10)
    assert done.status_code == 200, done.text
    return content, done.json()


def test_the_readme_steps_give_a_project_that_passes_check(project: dict[str, Any]) -> None:
    assert "no issues" in project["check"]


def test_a_public_upload_completes_and_is_served_at_its_public_url(
    project: dict[str, Any], session: requests.Session
) -> None:
    content, upload_json = upload(session, project, "public")

    assert upload_json["status"] == "complete"
    assert requests.get(absolute(project, upload_json["url"]), timeout=10).content == content


def test_a_private_upload_completes_and_opens_only_through_a_signed_link(
    project: dict[str, Any], session: requests.Session, seaweedfs: LocalS3Server
) -> None:
    content, upload_json = upload(session, project, "private")

    opened = session.get(absolute(project, upload_json["links"]["file"]), timeout=10)
    s3 = s3_client_for(seaweedfs)
    key = upload_json["key"]
    anonymous = requests.get(f"{seaweedfs.endpoint_url}/{project['bucket']}/{key}", timeout=10)

    assert upload_json["status"] == "complete"
    assert opened.content == content
    assert "X-Amz-Signature" in opened.url
    assert anonymous.status_code == 403
    assert s3.head_object(Bucket=project["bucket"], Key=key)["ContentLength"] == len(content)


def test_the_upload_page_renders_in_the_projects_own_templates(
    project: dict[str, Any], session: requests.Session
) -> None:
    page = session.get(f"{project['base']}/uploads/", timeout=10)

    assert page.status_code == 200
    assert "data-uploader" in page.text
    assert 'data-create-url="/uploads/api/uploads"' in page.text


def test_a_model_of_the_project_is_saved_through_its_admin_with_a_direct_upload(
    project: dict[str, Any], session: requests.Session
) -> None:
    """The README's models.py and admin.py, in the project's own app: the admin renders the
    widget with the field's signed rules; the upload those rules start lands in the field's
    folder; the change form saves its reference."""
    add = f"{project['base']}/admin/documents/document/add/"
    form = session.get(add, timeout=10).text
    cover = re.search(r'data-direct-file[^>]*data-rules="([^"]+)"[^>]*>[\s\S]*?name="cover"', form)
    owner = re.search(r'<option value="(\d+)">ada</option>', form)
    assert cover is not None, form[:2000]
    assert owner is not None, form[:2000]
    content = b"\x89PNG\r\n\x1a\n" + bytes(200)

    started = session.post(
        f"{project['base']}/uploads/api/uploads",
        json={
            "filename": "cover.png",
            "content_type": "image/png",
            "size": len(content),
            "rules": html.unescape(cover.group(1)),
        },
        timeout=10,
    ).json()
    post = started["upload"]
    sent = requests.post(
        post["url"], data=post["fields"], files={"file": ("f", content)}, timeout=10
    )
    assert sent.status_code in (201, 204), sent.text
    done = session.post(absolute(project, started["links"]["complete"]), timeout=10).json()
    saved = session.post(
        add,
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "owner": owner.group(1),
            "title": "Scratch",
            "cover": done["form_reference"],
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
        timeout=10,
        allow_redirects=False,
    )

    assert started["key"].startswith("media/covers/")
    assert saved.status_code == 302, saved.text[:3000]
    listing = session.get(f"{project['base']}/admin/documents/document/", timeout=10).text
    assert "Scratch" in listing
    assert requests.get(absolute(project, done["url"]), timeout=10).content == content
