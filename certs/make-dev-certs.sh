#!/usr/bin/env bash
# Makes development TLS material in OUT_DIR (default: this folder), valid for 30 days:
#   ca.crt/ca.key          a development CA that signs everything below
#   server.crt/server.key  localhost and 127.0.0.1 (the listener's default certificate)
#   api.crt/api.key        api.example.test (for SNI)
#   client.crt/client.key  a client certificate for mTLS (client_ca: ca.crt)
# Private keys are never committed (git ignores them here); run this again to replace them.
set -euo pipefail
out="${1:-$(dirname "$0")}"
mkdir -p "$out"
cd "$out"
command -v openssl >/dev/null || { echo "make-dev-certs: openssl is not installed (apt-get install openssl)" >&2; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout ca.key -out ca.crt \
    -subj "/CN=Sluice development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# sign NAME SUBJECT EXTENSIONS: a key and a CA-signed certificate.
sign() {
    local name=$1 subject=$2 extensions=$3
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$name.key" -out "$name.csr" -subj "$subject" 2>/dev/null
    printf '%b' "$extensions" > "$name.ext"
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -sha256 \
        -extfile "$name.ext" -out "$name.crt" 2>/dev/null
    rm -f "$name.csr" "$name.ext"
}
sign server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
sign api "/CN=api.example.test" "subjectAltName=DNS:api.example.test\nextendedKeyUsage=serverAuth\n"
sign client "/CN=sluice-dev-client" "extendedKeyUsage=clientAuth\n"
rm -f ca.srl
chmod 600 ./*.key
echo "wrote ca, server, api and client certificates and keys to $(pwd)"
