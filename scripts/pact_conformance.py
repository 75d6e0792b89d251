"""Run the official PACT conformance tool (github wbcsd/pact-conformance-service, TypeScript) offline against
a demo hub served over HTTPS, and print which test cases pass.

    .venv/bin/python scripts/pact_conformance.py PATH_TO_TOOL [--out FILE]

PATH_TO_TOOL is a checkout of the tool (never committed here). Its npm dependencies are installed there with
`npm ci` when missing. The hub runs from a fresh SQLite demo database in a temporary folder, with an OAuth
client of the international body `intl-body` (a PACT data recipient), behind TLS with a self-signed
certificate made at run time (uvicorn's own TLS; the tool trusts it through NODE_EXTRA_CA_CERTS), so the
cases that need HTTPS, and the ones that check plain HTTP is refused, run as they would against a real host.

The international body is also registered as a PACT partner whose host is the tool's webhook, as a real
requester would be: the hub answers a RequestCreatedEvent only at a configured partner's host (never at the
`source` an event names), and refuses one from a caller it could not answer (403, the spec's "respond with an
appropriate 4xx" when the owner can tell at once it cannot handle the request). Offline the webhook is
unreachable, so the tool's two callback cases (#13, #14.B) stay pending and the hub's answers wait in its outbox.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parent.parent
CFHUB = Path(sys.executable).with_name("cfhub")
# The tool's webhook (its CONFORMANCE_API); unreachable offline, which only leaves the callback cases pending.
WEBHOOK = "https://localhost:9/conformance-webhook-unreachable"
SERVE = """
import sys, uvicorn
from hub.app import create_app
uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            ssl_keyfile=sys.argv[2], ssl_certfile=sys.argv[3])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A key and a certificate for localhost and 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def prepare_hub(env: dict[str, str]) -> tuple[str, str]:
    """Load the demo data and register an OAuth client for intl-body; its id and secret."""
    subprocess.run([str(CFHUB), "demo", "load"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [str(CFHUB), "client", "create", "--org", "intl-body"], env=env, check=True, capture_output=True, text=True
    ).stdout
    found = dict(re.findall(r"^(client_id|client_secret): (\S+)$", out, re.M))
    # the credentials the tool's webhook would give this hub; never used, the webhook being unreachable
    partner = ["--client-id", "cfhub-at-conformance-tool", "--client-secret", "unused-offline", "--org", "intl-body"]
    subprocess.run(
        [str(CFHUB), "pact", "partners", "add", "conformance-tool", WEBHOOK, *partner],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return found["client_id"], found["client_secret"]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the hub did not start on port {port}")


def run_tool(tool: Path, base_url: str, client: tuple[str, str], cert: Path, log: Path) -> int:
    if not (tool / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=tool, check=True)
    env = {
        **os.environ,
        "NODE_EXTRA_CA_CERTS": str(cert),
        # the tool's configuration wants these even when it keeps results on the console only
        "NODE_ENV": "development",
        "PORT": "0",
        "DB_CONNECTION_STRING": "unused://console-storage",
        "CONFORMANCE_API": WEBHOOK,
        "LOG_OUTPUT": "console",
    }
    command = [
        "npx", "ts-node", "--transpile-only", "src/scripts/run-tests-cli.ts",
        "--baseUrl", base_url, "--clientId", client[0], "--clientSecret", client[1],
        "--version", "V3.0", "--organizationName", "cfhub demo hub",
    ]  # fmt: skip
    with log.open("w", encoding="utf-8") as fh:
        return subprocess.run(command, cwd=tool, env=env, stdout=fh, stderr=subprocess.STDOUT).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tool", type=Path, help="a checkout of wbcsd/pact-conformance-service")
    parser.add_argument("--out", type=Path, default=None, help="where to keep the tool's full output")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cfhub-pact-conformance-") as tmp:
        folder = Path(tmp)
        port = free_port()
        base_url = f"https://localhost:{port}"
        env = {
            **os.environ,
            "CFHUB_DATABASE_URL": f"sqlite:///{folder / 'hub.db'}",
            "CFHUB_KEY_DIR": str(folder / "keys"),
            "CFHUB_PUBLIC_BASE_URL": base_url,
        }
        client = prepare_hub(env)
        key, cert = self_signed(folder)
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(port), str(key), str(cert)], env=env, cwd=ROOT)
        try:
            wait_for(port)
            log = args.out or folder / "conformance.log"
            code = run_tool(args.tool.resolve(), base_url, client, cert, log)
            print(log.read_text(encoding="utf-8"))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
