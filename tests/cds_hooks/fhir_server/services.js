'use strict';
// FHIR interactions served from the in-memory data set.
//
// node-fhir-server-core does the REST part: it routes GET /4_0_0/Patient/:id to
// `searchById` and GET /4_0_0/{MedicationRequest,Condition,Observation} to `search`, checks
// the bearer token, and passes only the search parameters that R4 defines for
// the resource (sanitised) in `args`. What a hook returns is sent as
// application/fhir+json; a thrown ServerError becomes an OperationOutcome with
// its statusCode. The framework does not build search Bundles itself, so
// `search` builds one with the framework's R4 resource classes.

const { resolveSchema, ServerError } = require('@asymmetrik/node-fhir-server-core');

const FHIR_VERSION = '4_0_0';
const Bundle = resolveSchema(FHIR_VERSION, 'Bundle');

// "a,b" -> ["a", "b"]; FHIR uses a comma list for "any of these values".
function splitList(value) {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

// Token search value "code" or "system|code" against a list of Codings.
function matchesToken(value, codings) {
  return splitList(value).some((token) => {
    const [system, code] = token.includes('|') ? token.split('|', 2) : [undefined, token];
    return codings.some((c) => c.code === code && (!system || c.system === system));
  });
}

// `patient` may be given as "{id}" or "Patient/{id}"; compare on the reference.
function isForPatient(resource, patientParam) {
  const id = patientParam.replace(/^Patient\//, '');
  return Boolean(resource.subject) && resource.subject.reference === `Patient/${id}`;
}

function baseUrl(req) {
  return `${req.protocol}://${req.get('host')}/${req.params.base_version}`;
}

// A searchset Bundle of `matches`, each wrapped in its R4 class so the output
// goes through the same model the framework uses for its own resources.
function searchsetBundle(req, resourceType, matches) {
  const Resource = resolveSchema(FHIR_VERSION, resourceType);
  return new Bundle({
    type: 'searchset',
    total: matches.length,
    link: [{ relation: 'self', url: `${req.protocol}://${req.get('host')}${req.originalUrl}` }],
    entry: matches.map((resource) => ({
      fullUrl: `${baseUrl(req)}/${resourceType}/${resource.id}`,
      resource: new Resource(resource),
      search: { mode: 'match' },
    })),
  });
}

/**
 * @param {Map<string, object[]>} resources - resources from the data file, by resourceType
 * @param {number} delayMs - pause before every answer (lets tests hit a client timeout)
 * @return {object} service modules keyed like the framework's `profiles` config
 */
function createServices(resources, delayMs) {
  const ofType = (type) => resources.get(type) || [];
  const pause = () => new Promise((resolve) => setTimeout(resolve, delayMs));

  return {
    patient: {
      async searchById(args) {
        await pause();
        const patient = ofType('Patient').find((p) => p.id === args.id);
        if (!patient) {
          // Returning nothing would give a bare "Not Found" text body; a
          // ServerError gives the FHIR OperationOutcome instead.
          throw new ServerError(`Patient/${args.id} not found`, {
            statusCode: 404,
            issue: [{ severity: 'error', code: 'not-found', diagnostics: `Patient/${args.id} not found` }],
          });
        }
        return new (resolveSchema(FHIR_VERSION, 'Patient'))(patient);
      },
    },

    medicationrequest: {
      async search(args, { req }) {
        await pause();
        const matches = ofType('MedicationRequest').filter(
          (mr) =>
            (!args.patient || isForPatient(mr, args.patient)) &&
            (!args.status || splitList(args.status).includes(mr.status)),
        );
        return searchsetBundle(req, 'MedicationRequest', matches);
      },
    },

    condition: {
      async search(args, { req }) {
        await pause();
        const status = args['clinical-status'];
        const matches = ofType('Condition').filter(
          (c) =>
            (!args.patient || isForPatient(c, args.patient)) &&
            (!status || matchesToken(status, (c.clinicalStatus && c.clinicalStatus.coding) || [])),
        );
        return searchsetBundle(req, 'Condition', matches);
      },
    },

    observation: {
      async search(args, { req }) {
        await pause();
        const matches = ofType('Observation').filter(
          (o) =>
            (!args.patient || isForPatient(o, args.patient)) &&
            (!args.code || matchesToken(args.code, (o.code && o.code.coding) || [])),
        );
        return searchsetBundle(req, 'Observation', matches);
      },
    },
  };
}

module.exports = { createServices, FHIR_VERSION };
