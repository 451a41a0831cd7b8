'use strict';
// dystonia-risk-client: a small Node client for dystonia.v1.RiskService.
//
//   const { Client } = require('dystonia-risk-client');
//   const client = new Client('127.0.0.1:50051');
//   const response = await client.check(
//       { age_years: 19, sex: 'male' },
//       [{ name: 'haloperidol', route: 'intramuscular', status: 'proposed' }]);
//   response.acute_dystonia.level;  // 'RISK_LEVEL_HIGH'
//
// The .proto files are loaded from the repository's proto/ at run time with
// @grpc/proto-loader (field names as in the .proto, enums as strings, int64 as
// strings, defaults filled in). Works on Node 18 and later.

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const PROTO_DIR = path.resolve(__dirname, '..', '..', 'proto');
const DEFAULT_TARGET = '127.0.0.1:50051';

const packageDefinition = protoLoader.loadSync(
    'dystonia/v1/risk_service.proto', {
      keepCase: true,
      enums: String,
      longs: String,
      defaults: true,
      oneofs: true,
      includeDirs: [PROTO_DIR],
    });
const proto = grpc.loadPackageDefinition(packageDefinition);
const RiskService = proto.dystonia.v1.RiskService;

// An enum's descriptor from the loaded definitions: a top-level enum by its
// full name, a nested one ('dystonia.v1.PharmacogenomicResult.Phenotype')
// from its message's descriptor.
function enumDefinition(fullName) {
  if (packageDefinition[fullName]) return packageDefinition[fullName].type;
  const dot = fullName.lastIndexOf('.');
  const parent = packageDefinition[fullName.slice(0, dot)];
  const name = fullName.slice(dot + 1);
  return parent.type.enumType.find((e) => e.name === name);
}

// Enum value names by enum, from the loaded definitions.
function enumNames(fullName) {
  return enumDefinition(fullName).value.map((value) => value.name);
}

// The API's vocabulary: the words common.proto gives enum values ("im" for
// intramuscular), read with protobufjs, which keeps value options
// (proto-loader's descriptors drop them). The same words the C++ and Python
// clients read.
const vocabulary = (() => {
  const root = new protobuf.Root();
  const resolveImport = root.resolvePath;
  root.resolvePath = (origin, target) =>
      (target.startsWith('google/protobuf/') ? resolveImport(origin, target)
                                              : path.join(PROTO_DIR, target));
  root.loadSync('dystonia/v1/risk_service.proto', { keepCase: true });
  return root;
})();

function enumWords(fullName, valueName) {
  const options =
      (vocabulary.lookupEnum(fullName).valuesOptions || {})[valueName] || {};
  return (options['(words)'] || '').split(/\s+/).filter(Boolean);
}

// 'male', 'SEX_MALE', 'Long-acting injectable', 'im' or a number -> the enum
// value name. undefined, null and '' mean unspecified. Throws a RangeError
// naming the accepted words otherwise.
function enumValue(fullName, prefix, word, what) {
  const names = enumNames(fullName);
  if (word === undefined || word === null || word === '') {
    return names[0];
  }
  if (typeof word === 'number') {
    const value = enumDefinition(fullName).value.find(
        (v) => v.number === word);
    if (value) return value.name;
    throw new RangeError(`unknown ${what} value ${word}`);
  }
  if (typeof word !== 'string') {
    throw new TypeError(`${what} must be a word, not ${typeof word}`);
  }
  const key = word.trim().replace(/[-\s]/g, '_').toUpperCase();
  const accepted = [];
  // The first value is the zero one (proto3), whatever its prefix.
  for (const name of names.slice(1)) {
    const short = name.slice(prefix.length);
    const words = enumWords(fullName, name);
    if (key === name || key === short || words.includes(key.toLowerCase())) {
      return name;
    }
    accepted.push(short.toLowerCase() +
                  (words.length ? ` (${words.join(', ')})` : ''));
  }
  throw new RangeError(
      `unknown ${what} ${JSON.stringify(word)}; expected one of: ` +
      accepted.join(', '));
}

const PATIENT_FIELDS = ['age_years', 'sex', 'prior_drug_induced_dystonia',
                        'conditions', 'weight_kg', 'pharmacogenomics'];
const PHARMACOGENOMIC_FIELDS = ['gene', 'phenotype'];
const CONDITION_FIELDS = ['text', 'system', 'code'];
const MEDICATION_FIELDS = [
  'name', 'rxcui', 'atc_code', 'route', 'daily_dose_mg', 'status',
  'days_on_therapy', 'dose_increased_days_ago', 'ndc', 'course',
];

function checkKeys(object, allowed, what) {
  const unknown = Object.keys(object).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new RangeError(
        `unknown ${what} field(s) ${unknown.join(', ')}; expected: ` +
        allowed.join(', '));
  }
}

// A dystonia.v1.Condition (plain object) from a text ("Parkinson's
// disease") or { text, system, code } (system: a FHIR code-system URI such
// as http://snomed.info/sct).
function makeCondition(condition) {
  if (typeof condition === 'string') condition = { text: condition };
  if (!condition || typeof condition !== 'object') {
    throw new TypeError('a condition must be an object or a text');
  }
  checkKeys(condition, CONDITION_FIELDS, 'condition');
  return {
    text: condition.text || '',
    system: condition.system || '',
    code: String(condition.code || ''),
  };
}

// A dystonia.v1.PharmacogenomicResult (plain object) from 'CYP2D6=poor' or
// { gene, phenotype }: the gene's HGNC symbol, the phenotype poor (pm),
// intermediate (im), normal (nm), rapid (rm), ultrarapid (um) or
// indeterminate.
function makePharmacogenomicResult(result) {
  if (typeof result === 'string') {
    const equals = result.indexOf('=');
    if (equals < 0) {
      throw new RangeError('a pharmacogenomic result is GENE=PHENOTYPE ' +
                           `(e.g. CYP2D6=poor), not ${JSON.stringify(result)}`);
    }
    result = { gene: result.slice(0, equals), phenotype: result.slice(equals + 1) };
  }
  if (!result || typeof result !== 'object') {
    throw new TypeError('a pharmacogenomic result must be an object or a text');
  }
  checkKeys(result, PHARMACOGENOMIC_FIELDS, 'pharmacogenomic result');
  return {
    gene: String(result.gene || '').trim().toUpperCase(),
    phenotype: enumValue('dystonia.v1.PharmacogenomicResult.Phenotype', '',
                         result.phenotype, 'phenotype'),
  };
}

// A dystonia.v1.Patient (plain object) from { age_years, sex,
// prior_drug_induced_dystonia, conditions, weight_kg, pharmacogenomics }.
// sex: female, male, other or unknown; conditions: as makeCondition takes
// them; pharmacogenomics: as makePharmacogenomicResult takes them.
function makePatient(patient) {
  patient = patient || {};
  checkKeys(patient, PATIENT_FIELDS, 'patient');
  const message = {
    sex: enumValue('dystonia.v1.Sex', 'SEX_', patient.sex, 'sex'),
    prior_drug_induced_dystonia: Boolean(patient.prior_drug_induced_dystonia),
  };
  // age_years is proto3 `optional`: only sent when given.
  if (patient.age_years !== undefined && patient.age_years !== null) {
    message.age_years = Number(patient.age_years);
  }
  const conditions = patient.conditions || [];
  if (!Array.isArray(conditions)) {
    throw new TypeError('conditions must be an array');
  }
  message.conditions = conditions.map(makeCondition);
  // weight_kg is proto3 `optional` too.
  if (patient.weight_kg !== undefined && patient.weight_kg !== null) {
    message.weight_kg = Number(patient.weight_kg);
  }
  const results = patient.pharmacogenomics || [];
  if (!Array.isArray(results)) {
    throw new TypeError('pharmacogenomics must be an array');
  }
  message.pharmacogenomics = results.map(makePharmacogenomicResult);
  return message;
}

// A dystonia.v1.Medication (plain object) from a name or { name, rxcui,
// atc_code, route, daily_dose_mg, status, days_on_therapy,
// dose_increased_days_ago }. route: oral, intramuscular (im), intravenous
// (iv), long_acting_injectable (lai), rectal, transdermal, sublingual or
// other; status: proposed or active.
function makeMedication(medication) {
  if (typeof medication === 'string') medication = { name: medication };
  if (!medication || typeof medication !== 'object') {
    throw new TypeError('a medication must be an object or a name');
  }
  checkKeys(medication, MEDICATION_FIELDS, 'medication');
  return {
    name: medication.name || '',
    rxcui: String(medication.rxcui || ''),
    atc_code: medication.atc_code || '',
    route: enumValue('dystonia.v1.Route', 'ROUTE_', medication.route, 'route'),
    daily_dose_mg: Number(medication.daily_dose_mg || 0),
    status: enumValue('dystonia.v1.MedicationStatus', 'MEDICATION_STATUS_',
                      medication.status, 'status'),
    days_on_therapy: Math.trunc(Number(medication.days_on_therapy || 0)),
    dose_increased_days_ago:
        Math.trunc(Number(medication.dose_increased_days_ago || 0)),
    ndc: String(medication.ndc || ''),
    course: enumValue('dystonia.v1.Course', 'COURSE_', medication.course,
                      'course'),
  };
}

// The CheckRequest Client#check sends. options: { requestId, view } with view
// undefined, 'full', 'compact' or 'basic'.
function makeRequest(patient, medications, options) {
  options = options || {};
  if (!Array.isArray(medications)) {
    throw new TypeError('medications must be an array');
  }
  return {
    request_id: options.requestId || options.request_id || '',
    patient: makePatient(patient),
    medications: medications.map(makeMedication),
    view: enumValue('dystonia.v1.CheckView', 'CHECK_VIEW_', options.view,
                    'view'),
  };
}

// The citations a finding rests on, in any view: inline in the finding (FULL)
// or named by id with each source once in response.citations (COMPACT).
function findingCitations(response, finding) {
  const byId = new Map((response.citations || []).map((c) => [c.id, c]));
  return (finding.citations || []).concat(
      (finding.citation_ids || []).filter((id) => byId.has(id))
          .map((id) => byId.get(id)));
}

// 'RISK_LEVEL_HIGH' -> 'HIGH'.
function levelName(level) {
  return String(level).replace(/^RISK_LEVEL_/, '');
}

class Client {
  // target: 'host:port'. options.credentials: grpc.credentials.createSsl(...)
  // for TLS (with a client key and certificate for mutual TLS), plaintext by
  // default; options.token: the bearer token, sent with every call as
  // 'authorization: Bearer TOKEN' metadata (default: none);
  // options.timeoutMs: per-call deadline (default 30000; 0 for none);
  // options.channelOptions: passed to grpc-js.
  constructor(target = DEFAULT_TARGET, options = {}) {
    this.target = target;
    this.timeoutMs = options.timeoutMs === undefined ? 30000 : options.timeoutMs;
    this.metadata = new grpc.Metadata();
    if (options.token !== undefined && options.token !== null) {
      if (typeof options.token !== 'string' || !options.token.trim()) {
        throw new TypeError('options.token must be a non-empty string');
      }
      this.metadata.set('authorization', `Bearer ${options.token.trim()}`);
    }
    this.stub = new RiskService(
        target, options.credentials || grpc.credentials.createInsecure(),
        options.channelOptions || {});
  }

  close() {
    this.stub.close();
  }

  // Resolves to the CheckResponse (plain object: levels are enum names such
  // as 'RISK_LEVEL_HIGH'). Rejects with a RangeError or TypeError for a bad
  // patient or medication (no call is made) and with the gRPC error (code,
  // details) when the call fails. options: { requestId, view, timeoutMs }.
  check(patient, medications, options = {}) {
    let request;
    try {
      request = makeRequest(patient, medications, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.call('Check', request, options);
  }

  // One drug's DrugProfile by name, brand, RxCUI or ATC code; rejects with
  // code grpc.status.NOT_FOUND when nothing matches.
  getDrug(query, options = {}) {
    return this.call('GetDrug', { query }, options);
  }

  // Prefix and near-miss matches (SearchDrugsResponse).
  searchDrugs(query, limit = 0, options = {}) {
    return this.call('SearchDrugs', { query, limit }, options);
  }

  // Version, counts and sources of the serving knowledge base.
  knowledgeBaseInfo(options = {}) {
    return this.call('GetKnowledgeBaseInfo', {}, options);
  }

  call(method, request, options) {
    const timeoutMs =
        options.timeoutMs === undefined ? this.timeoutMs : options.timeoutMs;
    const callOptions = {};
    if (timeoutMs) callOptions.deadline = new Date(Date.now() + timeoutMs);
    return new Promise((resolve, reject) => {
      this.stub[method](request, this.metadata, callOptions, (error, response) => {
        if (error) reject(error);
        else resolve(response);
      });
    });
  }
}

module.exports = {
  Client,
  findingCitations,
  DEFAULT_TARGET,
  PROTO_DIR,
  grpc,
  levelName,
  makeCondition,
  makeMedication,
  makePharmacogenomicResult,
  makePatient,
  makeRequest,
  packageDefinition,
  proto,
};
