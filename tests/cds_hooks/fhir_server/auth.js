'use strict';
// Bearer-token check for the test FHIR server.
//
// node-fhir-server-core loads this module by path (config.auth.strategy.service),
// registers `strategy` with passport, and guards every resource route with
// passport.authenticate(name, { session: false }). The metadata route is not
// guarded by the framework, which is what we want.
//
// A passport strategy is only an object with a `name` and an
// `authenticate(req)` method; passport supplies `this.success` / `this.fail`.
// Writing it here keeps the dependency list to node-fhir-server-core alone
// instead of relying on packages that merely happen to be installed with it.
// On failure passport answers 401 with a `WWW-Authenticate: Bearer ...` header.

let expectedToken = null;

module.exports = {
  // server.js calls this with --token before the framework loads the strategy.
  setExpectedToken(token) {
    expectedToken = token;
  },

  strategy: {
    name: 'test-bearer',
    authenticate(req) {
      // The auth scheme is case-insensitive (RFC 7235); the token is not.
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
      if (expectedToken && match && match[1] === expectedToken) {
        return this.success({ token: match[1] });
      }
      return this.fail('Bearer realm="dystonia-risk-test-fhir-server"', 401);
    },
  },
};
