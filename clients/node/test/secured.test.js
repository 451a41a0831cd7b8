'use strict';
// dystonia-risk-client against a server with mutual TLS and bearer tokens on
// (ctest starts one through `tests/clients/with_server.sh --secure`, which
// sets DYSTONIA_SERVER, DYSTONIA_TLS_CA, DYSTONIA_TLS_CERT, DYSTONIA_TLS_KEY
// and DYSTONIA_TOKEN). node:test, Node 18+.

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { Client, grpc } = require('..');

const YOUNG_MAN = { age_years: 19, sex: 'male' };
const IM_HALOPERIDOL = { name: 'haloperidol', route: 'intramuscular' };

function credentials() {
  return grpc.credentials.createSsl(
      fs.readFileSync(process.env.DYSTONIA_TLS_CA),
      fs.readFileSync(process.env.DYSTONIA_TLS_KEY),
      fs.readFileSync(process.env.DYSTONIA_TLS_CERT));
}

async function checkWith(token) {
  const client = new Client(process.env.DYSTONIA_SERVER, {
    credentials: credentials(), token, timeoutMs: 20000,
  });
  try {
    return await client.check(YOUNG_MAN, [IM_HALOPERIDOL]);
  } finally {
    client.close();
  }
}

test('token and client certificate are answered', async () => {
  const response = await checkWith(process.env.DYSTONIA_TOKEN);

  assert.strictEqual(response.acute_dystonia.level, 'RISK_LEVEL_HIGH');
});

test('without a token the call is UNAUTHENTICATED', async () => {
  await assert.rejects(checkWith(undefined),
                       (error) => error.code === grpc.status.UNAUTHENTICATED);
});

test('a wrong token is UNAUTHENTICATED', async () => {
  await assert.rejects(checkWith('not-the-token'),
                       (error) => error.code === grpc.status.UNAUTHENTICATED);
});

test('an empty token is a TypeError', () => {
  assert.throws(() => new Client(process.env.DYSTONIA_SERVER, { token: ' ' }),
                TypeError);
});
