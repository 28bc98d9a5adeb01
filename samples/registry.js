#!/usr/bin/env node
// A minimal npm registry on 127.0.0.1 for make-samples.sh: serves the
// packuments and tarballs found in DIR (files <name>@<version>.tgz made by
// `npm pack`, with the package.json beside them as <name>@<version>.json).
// Integrity is computed here from the tarball bytes, exactly as the public
// registry advertises it (sha512, SRI); npm verifies it on download.
// Usage: node registry.js DIR PORT   (prints "ready" when listening)
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');

const dir = process.argv[2];
const port = Number(process.argv[3]);
const base = 'http://127.0.0.1:' + port;

function packument(name) {
  const doc = { name, 'dist-tags': {}, versions: {} };
  const prefix = name.replace('/', '+') + '@';
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort();
  for (const f of files) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const tgz = fs.readFileSync(path.join(dir, f.replace(/\.json$/, '.tgz')));
    const file = name.split('/').pop() + '-' + meta.version + '.tgz';
    meta._id = name + '@' + meta.version;
    meta.dist = {
      tarball: base + '/' + name + '/-/' + file,
      integrity: 'sha512-' + crypto.createHash('sha512').update(tgz).digest('base64'),
      shasum: crypto.createHash('sha1').update(tgz).digest('hex'),
    };
    doc.versions[meta.version] = meta;
    doc['dist-tags'].latest = meta.version;
  }
  return files.length ? doc : null;
}

http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  const m = url.match(/^\/(@[^/]+\/[^/]+|[^@/][^/]*)\/-\/[^/]+-(\d[^/]*)\.tgz$/);
  if (m) {
    const f = path.join(dir, m[1].replace('/', '+') + '@' + m[2] + '.tgz');
    if (fs.existsSync(f)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(fs.readFileSync(f));
    }
  } else {
    const doc = packument(url.slice(1));
    if (doc) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(doc));
    }
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not found"}');
}).listen(port, '127.0.0.1', () => console.log('ready'));
