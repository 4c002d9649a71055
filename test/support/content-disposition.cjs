// Jest's module system cannot require an ES module from CommonJS on Node 20, and @fastify/static
// requires the ESM-only content-disposition 3. Tests map it to this shim over the CommonJS 1.x
// release, which has the same behaviour under v3's export names.
const contentDisposition = require('content-disposition-v1');
module.exports = { create: contentDisposition, parse: contentDisposition.parse };
