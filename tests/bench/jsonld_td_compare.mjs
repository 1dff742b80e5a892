// Compares tinyscope's RDF for each Thing Description with jsonld.js's
// (the npm package `jsonld`, as installed by jsonld_td.sh) given the W3C
// context files: both outputs are canonicalized (URDNA2015) and compared
// as text. Prints the TDs that differ or that only one of them refuses.
//
// usage: node jsonld_td_compare.mjs JSONLD_MODULE_DIR W3C_CONTEXTS_DIR TINYSCOPE_BIN TD...
// W3C_CONTEXTS_DIR holds td-context.jsonld (TD 1.0) and td-context-1.1.jsonld.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
const [moduleDir, w3cDir, tsBin, ...files] = process.argv.slice(2);
const require = createRequire(path.join(moduleDir, 'package.json'));
const jsonld = require('jsonld');
const ctx = new Map([
  ['https://www.w3.org/2019/wot/td/v1', JSON.parse(fs.readFileSync(path.join(w3cDir, 'td-context.jsonld')))],
  ['https://www.w3.org/2022/wot/td/v1.1', JSON.parse(fs.readFileSync(path.join(w3cDir, 'td-context-1.1.jsonld')))],
]);
const documentLoader = async (url) => {
  if (!ctx.has(url)) throw new Error('unknown ' + url);
  return { contextUrl: null, documentUrl: url, document: ctx.get(url) };
};
let same = 0, diff = 0, bothfail = 0, onefail = 0;
for (const f of files) {
  let ref = null, ours = null;
  try {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    const nq = await jsonld.toRDF(doc, { base: 'file://' + f, documentLoader, format: 'application/n-quads' });
    ref = await jsonld.canonize(nq, { inputFormat: 'application/n-quads', algorithm: 'URDNA2015' });
  } catch (e) { ref = null; }
  try {
    const nq = execFileSync(tsBin, ['convert', '--to', 'nquads', f], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }).toString();
    ours = await jsonld.canonize(nq, { inputFormat: 'application/n-quads', algorithm: 'URDNA2015' });
  } catch (e) { ours = null; }
  if (ref === null && ours === null) bothfail++;
  else if (ref === null || ours === null) { onefail++; console.log('one fails:', path.basename(f), ref === null ? 'jsonld.js' : 'tinyscope'); }
  else if (ref === ours) same++;
  else { diff++; console.log('differs:', path.basename(f)); }
}
console.log(`${files.length} TDs: ${same} identical, ${diff} differ, ${bothfail} refused by both, ${onefail} refused by one`);
