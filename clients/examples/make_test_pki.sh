#!/usr/bin/env bash
# Makes a test PKI for a secured connection: a CA, a server certificate for
# localhost / 127.0.0.1 and a client certificate, all signed by that CA,
# valid 2 days, keys readable by their owner only. For trying TLS and mutual
# TLS on loopback, never for production (use your own CA there).
#
#   bash clients/examples/make_test_pki.sh DIR
#
# Writes DIR/ca.pem, DIR/server.pem, DIR/server.key, DIR/client.pem,
# DIR/client.key (and the CA key and requests beside them). The README's
# "Secured connection" sections show these lines; the secured client tests
# run this file, so the lines shown are the lines tested.
set -euo pipefail
dir=${1:?usage: make_test_pki.sh DIR}
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=dystonia-risk test CA' \
  -keyout ca.key -out ca.pem
openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' \
  -keyout server.key -out server.csr
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -days 2 -extfile server.ext -out server.pem
openssl req -newkey rsa:2048 -nodes -subj '/CN=client' \
  -keyout client.key -out client.csr
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -days 2 -out client.pem
chmod 600 ./*.key
