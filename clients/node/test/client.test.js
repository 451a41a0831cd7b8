'use strict';
// dystonia-risk-client against a live dystonia-server at $DYSTONIA_SERVER
// (ctest starts one through tests/clients/with_server.sh). node:test, Node 18+.

const test = require('node:test');
const assert = require('node:assert');
const {
  Client, DEFAULT_TARGET, findingCitations, grpc, makeRequest,
} = require('..');

const TARGET = process.env.DYSTONIA_SERVER || DEFAULT_TARGET;
const YOUNG_MAN = { age_years: 19, sex: 'male' };
const IM_HALOPERIDOL = {
  name: 'haloperidol', route: 'intramuscular', status: 'proposed',
  days_on_therapy: 0, daily_dose_mg: 5, rxcui: '', atc_code: '',
};

test('dystonia-risk-client', async (t) => {
  const client = new Client(TARGET, { timeoutMs: 20000 });
  try {
    await t.test('IM haloperidol in a 19-year-old man is HIGH acute',
                 async () => {
      const response = await client.check(YOUNG_MAN, [IM_HALOPERIDOL],
                                          { requestId: 'js-1' });
      assert.strictEqual(response.request_id, 'js-1');
      assert.strictEqual(response.acute_dystonia.level, 'RISK_LEVEL_HIGH');
      assert.strictEqual(response.error, null);
      assert.strictEqual(response.assessed.length, 1);
      assert.strictEqual(response.assessed[0].drug_id, 'haloperidol');
      assert.strictEqual(response.assessed[0].route, 'ROUTE_INTRAMUSCULAR');
      const acute = response.findings.filter(
          (f) => f.kind === 'ACUTE_DYSTONIA');
      assert.ok(acute.length > 0, JSON.stringify(response.findings));
      assert.strictEqual(acute[0].level, 'RISK_LEVEL_HIGH');
      assert.ok(acute[0].drug_ids.includes('haloperidol'));
      assert.deepStrictEqual(acute[0].medication_indexes, [0]);
      assert.ok(acute[0].citations.length > 0);  // FULL view by default
      assert.ok(response.knowledge_base_version);
    });

    await t.test('a contraindication by condition comes first', async () => {
      const patient = {
        age_years: 72, sex: 'male', weight_kg: 70,
        conditions: [{ system: 'http://snomed.info/sct', code: '49049000' },
                     'gout'],
      };
      const response = await client.check(patient, ['metoclopramide']);
      assert.strictEqual(response.contraindicated, true);
      assert.strictEqual(response.findings[0].contraindicated, true);
      assert.strictEqual(response.findings[0].kind, 'DRUG_CONDITION');
      assert.deepStrictEqual(
          response.assessed_conditions.map((c) => c.condition_id),
          ['parkinsons-disease']);
      assert.deepStrictEqual(
          response.unrecognized_conditions.map((c) => c.text), ['gout']);
    });

    await t.test('a poor metabolizer\'s contraindication comes first',
                 async () => {
      const patient = {
        age_years: 45, sex: 'female',
        pharmacogenomics: ['CYP2D6=poor', { gene: 'tpmt', phenotype: 'pm' }],
      };
      const response = await client.check(patient, ['thioridazine']);
      assert.strictEqual(response.contraindicated, true);
      assert.strictEqual(response.findings[0].kind, 'DRUG_PHENOTYPE');
      assert.deepStrictEqual(response.findings[0].pharmacogenomic_indexes, [0]);
      assert.deepStrictEqual(
          response.assessed_pharmacogenomics.map((r) => r.gene), ['CYP2D6']);
      assert.deepStrictEqual(
          response.unrecognized_pharmacogenomics.map((r) => r.gene), ['TPMT']);
    });

    await t.test('pharmacogenomics and course words map to enum names', () => {
      const request = makeRequest(
          { age_years: 40, pharmacogenomics: ['cyp2c19=um'] },
          [{ name: 'haloperidol', course: 'single', ndc: '1234' }]);
      assert.strictEqual(request.patient.pharmacogenomics[0].gene, 'CYP2C19');
      assert.strictEqual(request.patient.pharmacogenomics[0].phenotype,
                         'ULTRARAPID');
      assert.strictEqual(request.medications[0].course, 'COURSE_SINGLE_DOSE');
      assert.strictEqual(request.medications[0].ndc, '1234');
      assert.throws(() => makeRequest({ pharmacogenomics: ['CYP2D6'] }, []),
                    /GENE=PHENOTYPE/);
      assert.throws(
          () => makeRequest({ pharmacogenomics: ['CYP2D6=slow'] }, []),
          /poor \(pm\)/);
    });

    await t.test('basic view drops citations', async () => {
      const response = await client.check(YOUNG_MAN, [IM_HALOPERIDOL],
                                          { view: 'basic' });
      assert.strictEqual(response.acute_dystonia.level, 'RISK_LEVEL_HIGH');
      assert.ok(response.findings.length > 0);
      for (const finding of response.findings) {
        assert.strictEqual(finding.citations.length, 0);
      }
    });

    await t.test('compact view cites each source once', async () => {
      const medications =
          [IM_HALOPERIDOL, { name: 'metoclopramide 10 mg' },
           { name: 'paroxetine 20 mg' }];
      const full = await client.check(YOUNG_MAN, medications, { view: 'full' });
      const compact =
          await client.check(YOUNG_MAN, medications, { view: 'compact' });
      assert.strictEqual(compact.findings.length, full.findings.length);
      const carried = compact.citations.map((c) => c.id);
      assert.strictEqual(new Set(carried).size, carried.length);
      full.findings.forEach((finding, i) => {
        assert.strictEqual(compact.findings[i].citations.length, 0);
        assert.deepStrictEqual(
            findingCitations(compact, compact.findings[i]).map((c) => c.id),
            findingCitations(full, finding).map((c) => c.id));
      });
    });

    await t.test('an unrecognized name comes back in unrecognized',
                 async () => {
      const response = await client.check(
          YOUNG_MAN, [IM_HALOPERIDOL, { name: 'zzqxnotadrug' }]);
      assert.strictEqual(response.unrecognized.length, 1);
      assert.strictEqual(response.unrecognized[0].name, 'zzqxnotadrug');
      assert.strictEqual(response.unrecognized[0].medication_index, 1);
      assert.deepStrictEqual(
          response.assessed.map((a) => a.medication_index), [0]);
    });

    await t.test('bad words reject before any call', async () => {
      await assert.rejects(
          client.check({ age_years: 19, sex: 'mail' }, [IM_HALOPERIDOL]),
          (error) => error instanceof RangeError && /sex/.test(error.message));
      await assert.rejects(
          client.check(YOUNG_MAN,
                       [{ name: 'haloperidol', route: 'intramuscle' }]),
          /route/);
      await assert.rejects(
          client.check(YOUNG_MAN, [{ name: 'haloperidol', status: 'planned' }]),
          /status/);
      await assert.rejects(
          client.check(YOUNG_MAN, [{ name: 'haloperidol', dose_mg: 5 }]),
          /dose_mg/);
    });

    await t.test('the vocabulary is common.proto\'s', () => {
      // The words the C++ and Python clients read from common.proto's
      // `words` options: "u", "depot", "pr", "new".
      const request = makeRequest(
          { age_years: 40, sex: 'u' },
          [{ name: 'x', route: 'depot', status: 'new' },
           { name: 'y', route: 'pr' }]);
      assert.strictEqual(request.patient.sex, 'SEX_UNKNOWN');
      assert.deepStrictEqual(
          request.medications.map((m) => m.route),
          ['ROUTE_LONG_ACTING_INJECTABLE', 'ROUTE_RECTAL']);
      assert.strictEqual(request.medications[0].status,
                         'MEDICATION_STATUS_PROPOSED');
      assert.throws(() => makeRequest({}, [{ name: 'x', route: 'nasal' }]),
                    /intramuscular \(im\)/);
    });

    await t.test('words map to enum names', () => {
      const request = makeRequest(
          { age_years: 0.5, sex: 'FEMALE' },
          [{ name: 'x', route: 'long-acting injectable', status: 'active' },
           { name: 'y', route: 'IM' }, { name: 'z', route: 'ROUTE_ORAL' }],
          { view: 'basic' });
      assert.strictEqual(request.patient.sex, 'SEX_FEMALE');
      assert.strictEqual(request.patient.age_years, 0.5);
      assert.deepStrictEqual(
          request.medications.map((m) => m.route),
          ['ROUTE_LONG_ACTING_INJECTABLE', 'ROUTE_INTRAMUSCULAR', 'ROUTE_ORAL']);
      assert.strictEqual(request.medications[0].status,
                         'MEDICATION_STATUS_ACTIVE');
      assert.strictEqual(request.view, 'CHECK_VIEW_BASIC');
      assert.ok(!('age_years' in makeRequest({}, []).patient));
    });

    await t.test('an invalid request rejects with INVALID_ARGUMENT',
                 async () => {
      await assert.rejects(
          client.check({ sex: 'male' }, [IM_HALOPERIDOL]),  // no age
          (error) => error.code === grpc.status.INVALID_ARGUMENT);
    });

    await t.test('getDrug("Haldol") is haloperidol', async () => {
      const profile = await client.getDrug('Haldol');
      assert.strictEqual(profile.drug_id, 'haloperidol');
      assert.strictEqual(profile.name, 'haloperidol');
      assert.strictEqual(profile.match_kind, 'BRAND');
    });

    await t.test('getDrug of an unknown name is NOT_FOUND', async () => {
      await assert.rejects(client.getDrug('zzqxnotadrug'),
                           (error) => error.code === grpc.status.NOT_FOUND);
    });

    await t.test('knowledgeBaseInfo has drugs and citations', async () => {
      const info = await client.knowledgeBaseInfo();
      assert.ok(info.version);
      assert.ok(info.drug_count > 0);
      assert.ok(info.citation_count > 0);
      assert.strictEqual(typeof info.imported_at_unix_seconds, 'string');
    });
  } finally {
    client.close();
  }
});
