"""A test CA (trustme) with server and client certificates written to files."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TestPKI:
    ca: trustme.CA
    ca_file: Path  # PEM of the CA
    server_cert: Path  # chain PEM for 127.0.0.1 / localhost
    server_key: Path
    client_cert: Path  # a client certificate signed by the CA (mutual TLS)
    client_key: Path

    def client_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.ca_file))
        return ctx


def make_pki(folder: Path) -> TestPKI:
    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = ca.issue_cert("127.0.0.1", "localhost", "::1")
    server_cert, server_key = folder / "server.pem", folder / "server.key"
    server.private_key_pem.write_to_path(str(server_key))
    server_cert.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    client = ca.issue_cert("platform-client@example.test")
    client_cert, client_key = folder / "client.pem", folder / "client.key"
    client.private_key_pem.write_to_path(str(client_key))
    client_cert.write_bytes(b"".join(blob.bytes() for blob in client.cert_chain_pems))
    return TestPKI(ca, ca_file, server_cert, server_key, client_cert, client_key)
