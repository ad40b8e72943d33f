// Node, CommonJS: require() of the ESM-only package and of check.js (Node ^20.19, ≥ 22.12).
const { check } = require('./check.js');

check().then((result) => process.stdout.write(JSON.stringify(result)));
