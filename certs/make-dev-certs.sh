#!/usr/bin/env bash
# Makes a self-signed certificate for local TLS work: certs/dev.crt and certs/dev.key, valid for
# localhost and 127.0.0.1 for 30 days. The files are ignored by git; run this again to replace them.
set -euo pipefail
cd "$(dirname "$0")"
command -v openssl >/dev/null || { echo "make-dev-certs: openssl is not installed (apt-get install openssl)" >&2; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 \
    -keyout dev.key -out dev.crt \
    -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "extendedKeyUsage=serverAuth" 2>/dev/null
chmod 600 dev.key
echo "wrote $(pwd)/dev.crt and $(pwd)/dev.key"
