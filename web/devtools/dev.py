"""`make dev`: local S3 + migrations + bucket setup + demo user + runserver; Ctrl-C stops all.

Set AWS_S3_ENDPOINT_URL to use an S3 server of your own instead of starting SeaweedFS.
DEV_FREE_PORTS=1 starts SeaweedFS on free ports instead of 8333 and its neighbours (for a second
checkout, and for the tests); plain `manage.py` commands then need AWS_S3_ENDPOINT_URL to reach it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from config.settings import LOCAL_S3_ACCESS_KEY, LOCAL_S3_SECRET_KEY
from devtools.seaweedfs import LocalS3Server, process_is_running

REPO = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(REPO / "web" / "manage.py")]
DATA_DIR = REPO / ".data" / "seaweedfs"
PID_FILE = DATA_DIR / "weed.pid"


def stop_leftover_server() -> None:
    """A previous `make dev` killed without Ctrl-C may have left its server running."""
    if not PID_FILE.exists():
        return
    with contextlib.suppress(ValueError, OSError):  # gone, not ours, or a garbled file
        pid = int(PID_FILE.read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"weed" in cmdline and str(DATA_DIR).encode() in cmdline:
            print(f"Stopping a local S3 server left over from an earlier run (pid {pid})…")
            os.killpg(pid, signal.SIGTERM)
            for _ in range(50):
                if not process_is_running(pid):
                    break
                time.sleep(0.1)
    PID_FILE.unlink(missing_ok=True)


def manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True)


def local_s3_server() -> LocalS3Server:
    keys = {"access_key": LOCAL_S3_ACCESS_KEY, "secret_key": LOCAL_S3_SECRET_KEY}
    if os.environ.get("DEV_FREE_PORTS", "").lower() in {"1", "true", "yes"}:
        return LocalS3Server.on_free_ports(DATA_DIR, **keys)
    return LocalS3Server(data_dir=DATA_DIR, **keys)


def stop_tree(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Stop runserver and its autoreloader's child: SIGTERM, then SIGKILL after `timeout`.

    Not SIGINT: started in the background, they inherit it ignored. Not their process group:
    they share ours, so that a Ctrl-C in the terminal or a kill of the group reaches them too.
    """
    with contextlib.suppress(psutil.NoSuchProcess):
        tree = [psutil.Process(process.pid)]
        tree += tree[0].children(recursive=True)
        for member in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                member.terminate()
        _, alive = psutil.wait_procs(tree, timeout=timeout)
        for member in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                member.kill()
    process.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C, a closed terminal or a `kill` stop everything. SIGINT is set explicitly: a program
    # started in the background inherits it ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    env_endpoint = os.environ.get("AWS_S3_ENDPOINT_URL")
    server: LocalS3Server | None = None
    app: subprocess.Popen[bytes] | None = None
    host = os.environ.get("DEV_HOST", "127.0.0.1")
    port = os.environ.get("DEV_PORT", "8000")
    try:
        if env_endpoint:
            print(f"Using the S3 server at {env_endpoint} (AWS_S3_ENDPOINT_URL).")
        else:
            stop_leftover_server()
            server = local_s3_server()
            print(f"Starting the local S3 server (SeaweedFS) on {server.endpoint_url}…")
            server.start()
            assert server.process is not None
            PID_FILE.write_text(str(server.process.pid))
            os.environ["AWS_S3_ENDPOINT_URL"] = server.endpoint_url  # for every command below
        manage("migrate", "--noinput", "-v", "0")
        manage(
            "s3_setup", "--origin", f"http://{host}:{port}", "--origin", f"http://localhost:{port}"
        )
        manage("demo_user")
        user = os.environ.get("DEMO_USER") or "demo"
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        print(
            f"\n  App:        http://{host}:{port}/\n"
            f"  Documents:  http://{host}:{port}/documents/ (a model with upload fields)\n"
            f"  Admin:      http://{host}:{port}/admin/\n"
            f"  Demo login: {user} / {password}\n"
            f"  Local S3:   {env_endpoint or (server and server.endpoint_url)}\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        app = subprocess.Popen([*MANAGE, "runserver", f"{host}:{port}"])
        return app.wait()
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"make dev: {error}", file=sys.stderr)
        return 1
    finally:
        if app is not None:
            stop_tree(app)
        if server is not None:
            print("Stopping the local S3 server…")
            server.stop()
            PID_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
