#!/usr/bin/env python3
"""A SPARQL 1.1 Protocol endpoint on 127.0.0.1 that answers with the local
engine (`tinyscope query` on the bundled sample graphs), so the CLI's
--endpoint path can be compared with local files without a triple store.

Usage: local_endpoint.py TINYSCOPE_BIN PORTFILE LOGFILE
Writes the chosen port to PORTFILE, then one line per request to LOGFILE
(method and path). Answers 401 to requests without the credentials
tester:secret when the path starts with /auth. Updates POSTed to /update
are appended to LOGFILE.updates (one JSON string a line); the second one
is answered 503 once, to exercise retries; /update-refused answers 400.
"""
import json
import base64
import subprocess
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

BIN, PORTFILE, LOGFILE = sys.argv[1:4]
GOOD_AUTH = "Basic " + base64.b64encode(b"tester:secret").decode()


class Handler(BaseHTTPRequestHandler):
    updates = 0
    def log_message(self, fmt, *args):
        pass

    def answer(self, params):
        with open(LOGFILE, "a") as log:
            log.write(f"{self.command} {self.path.split('?')[0]}\n")
        if self.path.startswith("/auth") and self.headers.get("Authorization") != GOOD_AUTH:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="tinyscope test"')
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"credentials needed")
            return
        if self.path.startswith("/update"):
            self.update(params.get("update", [""])[0])
            return
        query = params.get("query", [""])[0]
        triples = "n-triples" in self.headers.get("Accept", "")
        fmt = "ntriples" if triples else "json"
        p = subprocess.run([BIN, "query", "--format", fmt, "-e", query],
                           capture_output=True)
        if p.returncode != 0:
            self.send_response(400)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(p.stderr)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples" if triples
                         else "application/sparql-results+json")
        self.send_header("Content-Length", str(len(p.stdout)))
        self.end_headers()
        self.wfile.write(p.stdout)

    def update(self, text):
        Handler.updates += 1
        if self.path.startswith("/update-refused") or Handler.updates == 2:
            self.send_response(400 if "refused" in self.path else 503)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"not now")
            return
        with open(LOGFILE + ".updates", "a") as log:
            log.write(json.dumps(text) + "\n")
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        self.answer(urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        self.answer(urllib.parse.parse_qs(body))


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
