'use strict';
// Small FHIR R4 server for the CDS Hooks tests, built on node-fhir-server-core.
//
//   node server.js --data BUNDLE.json --token TOKEN [--delay_ms MS]
//                  [--tls_cert PEM --tls_key PEM]
//
// Serves the Patient, MedicationRequest, Condition and Observation resources of a FHIR
// collection Bundle, read-only, from memory. Listens on 127.0.0.1 on a port the
// OS picks and then prints exactly one line to stdout:
//   FHIR_BASE=http://127.0.0.1:PORT/4_0_0   (https with --tls_cert)
// The test harness reads that line, so nothing else may go to stdout.

// The framework turns authentication off when NODE_ENV is "test" (see its
// authentication middleware); the tests must see the 401s, so pin it.
process.env.NODE_ENV = 'production';

const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');
const { parseArgs } = require('util');
const fhirServerCore = require('@asymmetrik/node-fhir-server-core');
const auth = require('./auth');
const { createServices, FHIR_VERSION } = require('./services');

const SUPPORTED_TYPES = ['Patient', 'MedicationRequest', 'Condition', 'Observation'];

function fail(message) {
  process.stderr.write(`fhir_server: ${message}\n`);
  process.exit(2);
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: 'string' },
        token: { type: 'string' },
        delay_ms: { type: 'string', default: '0' },
        tls_cert: { type: 'string' },
        tls_key: { type: 'string' },
      },
    }));
  } catch (err) {
    fail(err.message);
  }
  if (!values.data || !values.token) fail('usage: server.js --data FILE --token TOKEN [--delay_ms MS]');
  const delayMs = Number(values.delay_ms);
  if (!Number.isInteger(delayMs) || delayMs < 0) fail(`bad --delay_ms: ${values.delay_ms}`);
  if (Boolean(values.tls_cert) !== Boolean(values.tls_key)) fail('--tls_cert and --tls_key go together');
  let tls = null;
  if (values.tls_cert) {
    try {
      tls = { cert: fs.readFileSync(values.tls_cert), key: fs.readFileSync(values.tls_key) };
    } catch (err) {
      fail(`cannot read the TLS files: ${err.message}`);
    }
  }
  return { dataFile: values.data, token: values.token, delayMs, tls };
}

// Group the Bundle's resources by type. Anything unexpected is a mistake in a
// test fixture, so refuse it rather than serve a partial data set.
function loadResources(dataFile) {
  let bundle;
  try {
    bundle = JSON.parse(fs.readFileSync(dataFile, 'utf8'));
  } catch (err) {
    fail(`cannot read ${dataFile}: ${err.message}`);
  }
  if (!bundle || bundle.resourceType !== 'Bundle') fail(`${dataFile} is not a FHIR Bundle`);
  const byType = new Map(SUPPORTED_TYPES.map((type) => [type, []]));
  for (const { resource } of bundle.entry || []) {
    if (!resource || !byType.has(resource.resourceType) || !resource.id) {
      fail(`${dataFile}: every entry needs a resource with an id, of type ${SUPPORTED_TYPES.join(', ')}`);
    }
    byType.get(resource.resourceType).push(resource);
  }
  return byType;
}

// The framework logs through a winston logger named "default" and, unless that
// logger already has a transport, gives it a console transport on stdout.
// Giving it a stderr transport first keeps stdout for the FHIR_BASE line.
// (The logger already exists: the framework creates it when it is required.)
function sendFrameworkLogsToStderr() {
  const { container, transports } = fhirServerCore.loggers;
  const allLevels = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];
  container.get('default').configure({
    level: 'warn',
    transports: [new transports.Console({ stderrLevels: allLevels })],
  });
}

function main() {
  const { dataFile, token, delayMs, tls } = readOptions();
  const services = createServices(loadResources(dataFile), delayMs);
  auth.setExpectedToken(token);
  sendFrameworkLogsToStderr();

  const profile = (service) => ({ service, versions: [FHIR_VERSION] });
  const fhirServer = fhirServerCore.initialize({
    // The strategy module is loaded by path; make it independent of the cwd.
    auth: { strategy: { name: auth.strategy.name, service: path.join(__dirname, 'auth.js') } },
    profiles: {
      patient: profile(services.patient),
      medicationrequest: profile(services.medicationrequest),
      condition: profile(services.condition),
      observation: profile(services.observation),
    },
  });

  // Server.listen() in the framework rejects port 0 and does not hand back the
  // http.Server, so serve its express app ourselves to learn the chosen port.
  // With TLS files, HTTPS: the tests check that the client verifies the
  // server's certificate.
  const server = tls ? https.createServer(tls, fhirServer.app) : http.createServer(fhirServer.app);
  const scheme = tls ? 'https' : 'http';
  server.listen(0, '127.0.0.1', () => {
    // Writes to a pipe or file are synchronous on Linux, so the line is not
    // left sitting in a buffer while the harness waits for it.
    process.stdout.write(`FHIR_BASE=${scheme}://127.0.0.1:${server.address().port}/${FHIR_VERSION}\n`);
  });

  const shutdown = () => {
    server.close(() => process.exit(0));
    // Keep-alive connections would otherwise hold close() open.
    server.closeAllConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main();
