// jsonld.js side of tests/bench/jsonld_td.sh: converts each listed
// document to RDF with the same local contexts and prints TDs/s and
// triples/s in the same form as bench_jsonld.
//
// usage: node jsonld_td.mjs JSONLD_MODULE_DIR CONTEXTS_DIR LISTFILE
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [moduleDir, contextsDir, listFile] = process.argv.slice(2);
const require = createRequire(path.join(moduleDir, 'package.json'));
const jsonld = require('jsonld');

// The same offline contexts tinyscope uses: index.json maps URL -> file.
const index = JSON.parse(fs.readFileSync(path.join(contextsDir, 'index.json'), 'utf8'));
const contexts = new Map();
for (const [url, file] of Object.entries(index)) {
  contexts.set(url, JSON.parse(fs.readFileSync(path.join(contextsDir, file), 'utf8')));
}
const documentLoader = async (url) => {
  if (!contexts.has(url)) {
    throw new Error(`${url} is not available offline`);
  }
  return { contextUrl: null, documentUrl: url, document: contexts.get(url) };
};

const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
let quads = 0;
let errors = 0;
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
for (const file of files) {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const dataset = await jsonld.toRDF(doc, { base: 'file://' + file, documentLoader });
    quads += dataset.length;
  } catch (e) {
    errors++;
  }
}
const secs = Number(process.hrtime.bigint() - start) / 1e9;
const used = process.cpuUsage(cpuStart);
const cpu = (used.user + used.system) / 1e6;
console.log(`jsonld.js: ${files.length} TDs, ${quads} triples, ${errors} errors in ` +
            `${secs.toFixed(3)} s (${cpu.toFixed(3)} s CPU): ` +
            `${(files.length / secs).toFixed(0)} TDs/s, ${(quads / secs).toFixed(0)} triples/s; ` +
            `per CPU second: ${(files.length / cpu).toFixed(0)} TDs/s, ` +
            `${(quads / cpu).toFixed(0)} triples/s`);
