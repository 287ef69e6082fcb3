"""A local fake of HashiCorp Vault's transit secrets engine, for the key store's tests.

No Vault binary is available to the suite, so this serves the endpoints the product calls,
the way Vault answers them (HTTP API v1, JSON, `{"errors": [...]}` bodies):

- `POST /v1/<mount>/keys/<name>` creates a key (`type` aes256-gcm96); an existing key is
  left as it is.
- `POST /v1/<mount>/encrypt/<name>` takes base64 `plaintext` and answers
  `{"data": {"ciphertext": "vault:v1:<base64 nonce+ciphertext>"}}`; like Vault, it creates a
  missing key first (upsert).
- `POST /v1/<mount>/decrypt/<name>` answers base64 `plaintext`; a missing key is
  400 "encryption key not found", a ciphertext of another key 400 "cipher: message
  authentication failed".
- `POST /v1/<mount>/keys/<name>/config` sets `deletion_allowed`.
- `DELETE /v1/<mount>/keys/<name>` deletes the key, or answers 400 "deletion is not allowed
  for this policy" unless deletion was allowed first; a missing key is 204.
- Every request needs the `X-Vault-Token` header (403 "permission denied" otherwise).

Deleted keys are gone from memory: `keys` is what Vault still holds.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PATH = re.compile(r"^/v1/(?P<mount>[\w-]+)/(?P<op>keys|encrypt|decrypt)/(?P<name>[\w.-]+)"
                   r"(?P<config>/config)?$")


class FakeVault:
    def __init__(self, token: str = "fake-root-token", mount: str = "transit"):
        self.token, self.mount = token, mount
        self.keys: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "FakeVault":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, path: str, token: str | None, body: dict) -> tuple[int, dict]:
        self.requests.append((method, path))
        if token != self.token:
            return 403, {"errors": ["permission denied"]}
        match = _PATH.match(path)
        if not match or match["mount"] != self.mount:
            return 404, {"errors": [f"no handler for route \"{path.removeprefix('/v1/')}\""]}
        op, name = match["op"], match["name"]
        with self._lock:
            if op == "keys" and match["config"]:
                return self._configure(name, body, method)
            if op == "keys":
                return self._key(name, body, method)
            if op == "encrypt" and method == "POST":
                return self._encrypt(name, body)
            if op == "decrypt" and method == "POST":
                return self._decrypt(name, body)
        return 405, {"errors": ["unsupported operation"]}

    def _key(self, name: str, body: dict, method: str) -> tuple[int, dict]:
        if method == "POST":
            if body.get("type", "aes256-gcm96") != "aes256-gcm96":
                return 400, {"errors": [f"unknown key type {body['type']}"]}
            self.keys.setdefault(name, {"key": AESGCM.generate_key(bit_length=256),
                                        "deletion_allowed": False})
            return 200, {"data": {"name": name, "type": "aes256-gcm96",
                                  "deletion_allowed": self.keys[name]["deletion_allowed"]}}
        if method == "DELETE":
            key = self.keys.get(name)
            if key is None:
                return 204, {}
            if not key["deletion_allowed"]:
                return 400, {"errors": ["deletion is not allowed for this policy"]}
            del self.keys[name]
            return 204, {}
        return 405, {"errors": ["unsupported operation"]}

    def _configure(self, name: str, body: dict, method: str) -> tuple[int, dict]:
        if name not in self.keys:
            return 400, {"errors": ["no existing key named " + name + " could be found"]}
        if "deletion_allowed" in body:
            self.keys[name]["deletion_allowed"] = bool(body["deletion_allowed"])
        return 200, {"data": {"name": name, **{k: v for k, v in self.keys[name].items()
                                               if k != "key"}}}

    def _encrypt(self, name: str, body: dict) -> tuple[int, dict]:
        try:
            plain = base64.b64decode(body["plaintext"], validate=True)
        except (KeyError, ValueError):
            return 400, {"errors": ["failed to base64-decode plaintext"]}
        key = self.keys.setdefault(name, {"key": AESGCM.generate_key(bit_length=256),
                                          "deletion_allowed": False})
        nonce = os.urandom(12)
        sealed = nonce + AESGCM(key["key"]).encrypt(nonce, plain, None)
        return 200, {"data": {"ciphertext": "vault:v1:" + base64.b64encode(sealed).decode(),
                              "key_version": 1}}

    def _decrypt(self, name: str, body: dict) -> tuple[int, dict]:
        key = self.keys.get(name)
        if key is None:
            return 400, {"errors": ["encryption key not found"]}
        ciphertext = str(body.get("ciphertext", ""))
        if not ciphertext.startswith("vault:v1:"):
            return 400, {"errors": ["invalid ciphertext: no prefix"]}
        raw = base64.b64decode(ciphertext.removeprefix("vault:v1:"))
        try:
            plain = AESGCM(key["key"]).decrypt(raw[:12], raw[12:], None)
        except InvalidTag:
            return 400, {"errors": ["cipher: message authentication failed"]}
        return 200, {"data": {"plaintext": base64.b64encode(plain).decode()}}


def _handler(vault: FakeVault):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = None
            if not isinstance(body, dict):
                status, answer = 400, {"errors": ["failed to parse JSON input"]}
            else:
                status, answer = vault.answer(self.command, self.path,
                                              self.headers.get("X-Vault-Token"), body)
            payload = json.dumps(answer).encode() if status != 204 else b""
            self.send_response(status)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, *args) -> None:
            pass

    return Handler
