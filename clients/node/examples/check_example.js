#!/usr/bin/env node
'use strict';
// Checks a 19-year-old man given intramuscular haloperidol.
//
//   node examples/check_example.js [HOST:PORT]
//
// The server address is argv[2], else $DYSTONIA_SERVER, else 127.0.0.1:50051.
// Prints both levels and the findings. Exit status:
//   0  checked: acute dystonia is RISK_LEVEL_HIGH, as expected
//   1  checked, but acute dystonia is not RISK_LEVEL_HIGH
//   2  the call failed (server unreachable, refused, or an error answer)
//   3  could not run here: its npm dependencies are missing (run `npm ci` in
//      clients/node, or set NODE_PATH to where they are)

const EXIT_CANNOT_RUN = 3;
let client;
try {
  client = require('..');
} catch (error) {
  console.error('check_example: cannot load the client\'s modules ' +
                `(${error.code || error.message}): run \`npm ci\` in ` +
                'clients/node, or set NODE_PATH to its node_modules');
  process.exit(EXIT_CANNOT_RUN);
}
const { Client, DEFAULT_TARGET, grpc, levelName } = client;

async function main() {
  const target =
      process.argv[2] || process.env.DYSTONIA_SERVER || DEFAULT_TARGET;
  const client = new Client(target);
  const patient = { age_years: 19, sex: 'male' };
  const medications = [{
    name: 'haloperidol',
    route: 'intramuscular',
    status: 'proposed',
    days_on_therapy: 0,
    daily_dose_mg: 5,
    rxcui: '',
    atc_code: '',
  }];
  let response;
  try {
    response = await client.check(patient, medications,
                                  { requestId: 'example-1' });
  } catch (error) {
    const code = error.code !== undefined ? grpc.status[error.code] : '';
    console.error(`check_example: ${target}: ${code}: ` +
                  `${error.details || error.message}`);
    return 2;
  } finally {
    client.close();
  }

  console.log(`knowledge base ${response.knowledge_base_version}`);
  console.log(`acute dystonia:     ${levelName(response.acute_dystonia.level)}`);
  for (const factor of response.acute_dystonia.factors) {
    console.log(`  - ${factor}`);
  }
  console.log('tardive dyskinesia: ' +
              levelName(response.tardive_dyskinesia.level));
  for (const factor of response.tardive_dyskinesia.factors) {
    console.log(`  - ${factor}`);
  }
  console.log('findings:');
  for (const finding of response.findings) {
    console.log(`  [${levelName(finding.level)}] ${finding.id}: ` +
                finding.summary);
  }
  for (const unrecognized of response.unrecognized) {
    console.log(`  unrecognized: ${unrecognized.name} (did you mean ` +
                `${unrecognized.suggestions.join(', ') || '-'}?)`);
  }

  if (response.acute_dystonia.level !== 'RISK_LEVEL_HIGH') {
    console.error('check_example: expected acute dystonia RISK_LEVEL_HIGH, ' +
                  `got ${response.acute_dystonia.level}`);
    return 1;
  }
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(error);
  process.exitCode = 2;
});
