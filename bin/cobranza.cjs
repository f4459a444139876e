#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly through tsx, so a fresh clone needs only `npm install`.
require('tsx/cjs/api').register();
const { main } = require('../cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`cobranza: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  }
);
