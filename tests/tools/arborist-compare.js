// tests/tools/arborist-compare.js: compare cairn-snap's npm package records
// with what npm's own tree loader (@npmcli/arborist, loadActual) reports for
// the same folders.  Run through tests/tools/arborist-compare.sh, which
// fetches nothing itself: it is given arborist's node_modules and a
// checkout of npm's fixtures.
//
//   node arborist-compare.js ARBORIST_DIR CAIRN_SNAP FIXTURES [TREE...]
//
// For each tree (default: every folder of FIXTURES and the nested roots
// arborist's own load-actual test uses) it prints "agree TREE" or
// "differ TREE" followed by one indented line per difference, then a
// summary line "agree N of M trees".  Compared per install location
// (arborist's node.location; cairn's project + "/" + path): the set of
// locations, name, version, link and the link's target, extraneous,
// an error (arborist's node.errors; cairn's bad_manifest, no_manifest,
// link_dangling, link_loop flags) and required_by (the locations of the dependents).
// Documented choices (docs/RECORDS.md) are not differences: cairn
// follows no link out of the root (arborist's "../x" nodes are left out)
// and pnpm's links into node_modules/.pnpm are edges, not records.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const os = require('node:os')

const [arbDir, snapBin, fixtures, ...only] = process.argv.slice(2)
if (!arbDir || !snapBin || !fixtures) {
  console.error('usage: arborist-compare.js ARBORIST_DIR CAIRN_SNAP FIXTURES [TREE...]')
  process.exit(2)
}
const Arborist = require(path.resolve(arbDir, '@npmcli/arborist'))

const nested = ['deeproot/root', 'symlinked-node-modules/example', 'external-dep/root',
  'external-link/root', 'link-dep-nested/root', 'external-link-cached-dummy-dep/root',
  'linkedroot']
const skipDirs = new Set(['registry-mocks', 'reify-cases', 'tap-snapshots'])

function trees () {
  if (only.length) return only
  const v = fs.readdirSync(fixtures, { withFileTypes: true })
    .filter(d => d.isDirectory() && !skipDirs.has(d.name)).map(d => d.name)
  for (const n of nested) {
    if (fs.existsSync(path.join(fixtures, n)) && !v.includes(n)) v.push(n)
  }
  return v.sort()
}

const inside = loc => loc !== null && loc !== undefined && loc !== '..' && !loc.startsWith('../') && !path.isAbsolute(loc)
// a package position: the last component (with its scope) right after node_modules/
const atPosition = loc => /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(loc)
const join = (a, b) => a ? (b ? a + '/' + b : a) : b

async function arborist (dir) {
  const tree = await new Arborist({ path: dir }).loadActual()
  const m = new Map()
  const projects = new Set([''])
  for (const node of tree.inventory.values()) {
    if (node.isRoot || !inside(node.location)) continue
    if (!atPosition(node.location)) {
      // a link target outside node_modules: a project folder of cairn's
      if (!/(^|\/)node_modules\//.test(node.location)) projects.add(node.location)
      continue
    }
    if (node.isLink && node.target && /(^|\/)node_modules\/\.pnpm\//.test(node.target.location || '')) continue
    const req = new Set()
    for (const e of node.edgesIn) {
      if (e.from && inside(e.from.location)) req.add(e.from.location)
    }
    m.set(node.location, {
      name: node.packageName || null,
      version: node.version || null,
      link: !!node.isLink,
      target: node.isLink ? (node.target && inside(node.target.location) ? node.target.location : 'outside') : null,
      extraneous: !!node.extraneous,
      error: node.errors.length > 0 || (node.isLink && !!node.target && node.target.errors.length > 0),
      required_by: [...req].sort(),
    })
  }
  return { m, projects }
}

function cairn (dir, tmp, projects) {
  const out = path.join(tmp, 'snap.cairn')
  try {
    execFileSync(snapBin, ['-q', '-o', out, dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (e) {
    if (e.status !== 0 && e.status !== 1) throw new Error('cairn-snap exit ' + e.status + ': ' + e.stderr)
  }
  const text = execFileSync('zstd', ['-dcq', out], { maxBuffer: 1 << 28 }).toString()
  const m = new Map()
  for (const line of text.split('\n')) {
    if (!line) continue
    const r = JSON.parse(line)
    if (r.type !== 'package' || r.ecosystem !== 'npm') continue
    if (r.project === '..' || r.project.startsWith('npm-cache:')) continue
    if (r.flags.includes('locked_missing')) continue
    if (!projects.has(r.project)) continue
    const loc = join(r.project, r.path)
    const link = r.flags.includes('link')
    let target = null
    if (link) {
      target = r.flags.includes('link_outside_root') || r.link_target === undefined || r.link_target === null
        ? 'outside'
        : path.posix.normalize(path.posix.join(path.posix.dirname(loc), r.link_target))
      if (target !== 'outside' && !inside(target)) target = 'outside'
      if (target === '.') target = ''
    }
    m.set(loc, {
      name: r.name,
      version: r.version,
      link,
      target,
      extraneous: r.flags.includes('extraneous'),
      // documented choice: without a package.json nothing is extraneous
      manifest: fs.existsSync(path.join(dir, r.project, 'package.json')),
      error: r.flags.includes('bad_manifest') || r.flags.includes('link_dangling') || r.flags.includes('link_loop') || r.flags.includes('no_manifest'),
      required_by: [...new Set(r.required_by.map(e => join(r.project, e.from)))].sort(),
    })
  }
  // cairn keeps link_target as written; arborist gives the end of a chain
  for (const y of m.values()) {
    for (let hops = 0; y.link && hops < 16 && m.get(y.target) && m.get(y.target).link; hops++) {
      y.target = m.get(y.target).target
    }
  }
  return m
}

function compare (a, c) {
  const out = []
  for (const [loc, x] of a) {
    const y = c.get(loc)
    if (!y) { out.push(`only arborist: ${loc} ${x.name}@${x.version}${x.link ? ' link' : ''}`); continue }
    // a link that leads nowhere: arborist has a node with an error where
    // cairn has a link record flagged link_dangling or link_loop
    if (!x.link && x.error && y.link && y.error) { x.link = true; x.target = y.target }
    for (const k of ['name', 'version', 'link', 'target', 'extraneous', 'error']) {
      // documented choices: a link out of the root is not read
      if (x.target === 'outside' && (k === 'name' || k === 'version')) continue
      if (k === 'extraneous' && !y.manifest) continue
      if (x[k] !== y[k]) out.push(`${loc}: ${k} arborist ${JSON.stringify(x[k])} cairn ${JSON.stringify(y[k])}`)
    }
    if (JSON.stringify(x.required_by) !== JSON.stringify(y.required_by)) {
      out.push(`${loc}: required_by arborist ${JSON.stringify(x.required_by)} cairn ${JSON.stringify(y.required_by)}`)
    }
  }
  for (const [loc, y] of c) {
    if (!a.has(loc)) out.push(`only cairn: ${loc} ${y.name}@${y.version}${y.link ? ' link' : ''}`)
  }
  return out
}

async function main () {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arbcmp-'))
  let agree = 0; let total = 0; let failed = 0; let documented = 0; let withPkgs = 0; let agreeWithPkgs = 0
  for (const t of trees()) {
    const dir = path.join(fixtures, t)
    let a
    try {
      a = await arborist(dir)
    } catch (e) {
      console.log(`arborist-error ${t}: ${String(e.message).split('\n')[0]}`)
      failed++
      continue
    }
    total++
    let diffs
    try {
      const cm = cairn(dir, tmp, a.projects)
      if (a.m.size || cm.size) withPkgs++
      diffs = compare(a.m, cm)
      if (!diffs.length && (a.m.size || cm.size)) agreeWithPkgs++
    } catch (e) {
      diffs = [`cairn: ${String(e.message).split('\n')[0]}`]
    }
    if (!diffs.length) { agree++; console.log(`agree ${t}`); continue }
    // documented choice: a node_modules that is a symlink is not followed
    // (cairn records a parse_error naming it)
    try {
      if (fs.lstatSync(path.join(dir, 'node_modules')).isSymbolicLink()) {
        documented++
        console.log(`documented ${t}: node_modules is a symlink, not followed`)
        continue
      }
    } catch {}
    // documented choices: pnpm 3's layout (.pnpm/<registry>/<name>/<version>)
    // is not read (its links are link records); package folders without
    // package.json alone make no project
    if (fs.existsSync(path.join(dir, 'node_modules/.pnpm/registry.npmjs.org'))) {
      documented++
      console.log(`documented ${t}: pnpm 3's store layout is not read`)
      continue
    }
    if (diffs.every(d => / null@null$/.test(d)) && !fs.existsSync(path.join(dir, 'package.json'))) {
      documented++
      console.log(`documented ${t}: package folders without package.json alone make no project`)
      continue
    }
    console.log(`differ ${t}`)
    for (const d of diffs) console.log('  ' + d)
  }
  fs.rmSync(tmp, { recursive: true, force: true })
  console.log(`agree ${agree} of ${total} trees, ${documented} differ by a documented choice (${failed} that arborist could not load left out); ` +
    `${agreeWithPkgs} of the ${withPkgs} with installed packages`)
}
main().catch(e => { console.error(e); process.exit(2) })
