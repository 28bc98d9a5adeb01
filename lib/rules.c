/*
 * rules.c - the rule table and its evaluator (docs/RULES.md).
 *
 * Inputs are the records of docs/RECORDS.md, the diff document of
 * docs/diff-schema.json and the capture document of cairn-capture --json.
 * The records are facts; this file is where they are judged.  Every rule
 * tolerates missing or mistyped fields (a hostile snapshot must not crash
 * the report): it skips what it cannot read.
 */
#include "diff.h"
#include "rules.h"
#include "changetime.h"
#include "coverage.h"
#include "destscan.h"
#include "pkgfs.h"
#include "jsonutil.h"
#include "rfc3339.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SNAP CAIRN_RIN_SNAPSHOT
#define DIFF CAIRN_RIN_DIFF
#define CAPT CAIRN_RIN_CAPTURE
#define ADVI CAIRN_RIN_ADVISORIES
#define IOCS CAIRN_RIN_INDICATORS

/* Evidence lists longer than this are cut, with a closing "N more" item. */
#define MAX_EVIDENCE 40

enum {
	R_P01, R_P02, R_P03, R_P04, R_P05, R_P06, R_P07, R_P08, R_P09, R_P10,
	R_P11, R_E01, R_E02, R_E03, R_E04, R_E05, R_E06, R_D01, R_D02, R_D03, R_D04, R_D05,
	R_X01, R_T01, R_C01, R_K01, R_K02, R_K03, R_D06, R_A01, R_A02, R_A03, R_A04, R_A05,
	R_A06, R_P12, R_C02, R__COUNT
};

static const cairn_rule rules[R__COUNT] = {
	[R_P01] = { "CAIRN-P01", "unpinned-dependency", CAIRN_SEV_MEDIUM, SNAP,
		"A declared dependency (package.json, requirements*.txt, an install command's "
		"package argument) is not an exact version: ^ ~ * x, a range, a dist-tag such as "
		"latest, or a git/URL source without a commit.",
		"Every fresh install may resolve to a newer release: a compromised patch release "
		"is installed without anyone choosing it.",
		"Pin exact versions (\"@acme/mcp-server\": \"1.0.0\"; save-exact=true in .npmrc; "
		"pkg==1.0.0 in requirements.txt), commit the lockfile, and upgrade on purpose "
		"after reviewing the diff." },
	[R_P02] = { "CAIRN-P02", "unpinned-mcp-launch", CAIRN_SEV_HIGH, SNAP,
		"An MCP server is launched through npx, npm exec, pnpm dlx, yarn dlx, bunx, uvx, "
		"pipx or docker with a package or image that is not pinned to an exact version "
		"or digest.",
		"The launcher downloads and runs whatever the registry serves at start time, with "
		"the agent's privileges and environment: a malicious release runs the next time "
		"the client starts.",
		"Install the server as a pinned, locked dependency (npm ci) and launch the "
		"installed file (node node_modules/@acme/mcp-server/index.js), or at least pin "
		"it (npx -y @acme/mcp-server@1.0.0, uvx pkg==1.0.0, image@sha256:...); keep a "
		"tool-call allowlist in the client." },
	[R_P03] = { "CAIRN-P03", "missing-lockfile", CAIRN_SEV_HIGH, SNAP,
		"An npm project declares or installs packages but has no committed lockfile "
		"(package-lock.json / npm-shrinkwrap.json; pnpm-lock.yaml, yarn.lock, bun.lock(b) for "
		"those managers).",
		"Without a lockfile nothing records which versions and which bytes (integrity) "
		"were meant to be installed: every install can differ and tampering cannot be "
		"detected.",
		"Generate and commit package-lock.json (npm install --package-lock-only), then "
		"install with npm ci everywhere." },
	[R_P04] = { "CAIRN-P04", "lockfile-without-integrity", CAIRN_SEV_MEDIUM, SNAP,
		"Lockfile entries have no integrity hash (count against the packages locked).",
		"npm verifies downloaded tarballs only against a recorded integrity; an entry "
		"without one accepts any bytes the registry or a proxy serves.",
		"Regenerate the lockfile with a current npm (rm package-lock.json; npm install "
		"--package-lock-only), check that every entry has integrity, commit it, and "
		"verify the hashes in CI (npm ci fails on a mismatch)." },
	[R_P05] = { "CAIRN-P05", "mcp-secret-env", CAIRN_SEV_HIGH, SNAP,
		"An MCP server's config passes secret-looking variables (tokens, keys, "
		"passwords) in its env block or headers.",
		"Every secret in the server's environment is readable by the server's code and "
		"by everything it installs or spawns; a compromised release exfiltrates them "
		"first.",
		"Give the server process a minimal environment: only the variables it needs, "
		"scoped, short-lived tokens with the least privilege; rotate the exposed ones; "
		"keep long-lived credentials out of MCP configs." },
	[R_P06] = { "CAIRN-P06", "process-secret-env", CAIRN_SEV_MEDIUM, SNAP,
		"A recorded process environment (cairn-snap --env / --pid) holds "
		"secret-looking variables.",
		"Child processes inherit the environment: an MCP server or install script "
		"started from this process can read these secrets.",
		"Start agents and MCP servers with a minimal environment (env -i NAME=... cmd, "
		"systemd Environment=, a dedicated user); move secrets to a credential helper; "
		"rotate anything exposed." },
	[R_P07] = { "CAIRN-P07", "unenforced-lockfile-install", CAIRN_SEV_MEDIUM, SNAP,
		"A CI file, Dockerfile, Makefile or script installs packages without enforcing "
		"the lockfile: npm install instead of npm ci, yarn/pnpm without "
		"--frozen-lockfile, pip install without --require-hashes.",
		"These commands resolve versions again and may rewrite the lockfile, so CI and "
		"images get whatever is newest, not what was reviewed.",
		"Use npm ci (or yarn install --frozen-lockfile / --immutable, pnpm install "
		"--frozen-lockfile, pip install --require-hashes -r requirements.txt); fail the "
		"build when the lockfile is out of date." },
	[R_P08] = { "CAIRN-P08", "install-script", CAIRN_SEV_MEDIUM, SNAP,
		"Installed packages run code at install time (preinstall, install, postinstall "
		"scripts or an implicit node-gyp build).",
		"Install scripts run with the installing user's rights and environment before "
		"anyone uses the package: the usual first step of npm worms.",
		"Install with --ignore-scripts (npm config set ignore-scripts true) and allow "
		"scripts only for the packages that need them; review every new script." },
	[R_P09] = { "CAIRN-P09", "unlocked-package", CAIRN_SEV_MEDIUM, SNAP,
		"An installed package is not what the lockfile says: no lockfile entry for it, "
		"a different version, or a different name.",
		"Something installed it outside the locked process (a manual npm install, a "
		"script, an attacker), so the lockfile's integrity does not cover it.",
		"Remove node_modules and reinstall with npm ci from the committed lockfile; find "
		"out what installed the extra package." },
	[R_P10] = { "CAIRN-P10", "installed-files-mismatch", CAIRN_SEV_CRITICAL, SNAP,
		"An installed package's files differ from the exact published tarball (npm "
		"cache, checked against the lockfile integrity), from its RECORD (pip) or from "
		"dpkg's md5sums (a Debian package): modified, added or missing files.",
		"The code on disk is not the code that was published and locked: it was changed "
		"after install, the classic sign of tampering.",
		"Treat the host as compromised: preserve the evidence (this snapshot), reinstall "
		"from the lockfile on a clean machine (npm ci; a Debian or pip package with the "
		"command its evidence gives), rotate the secrets the "
		"package's processes could read, and verify hashes in CI." },
	[R_P11] = { "CAIRN-P11", "unusual-package-source", CAIRN_SEV_LOW, SNAP,
		"A lockfile entry resolves from another host than the project's registry, from a "
		"git repository, or from a non-registry tarball URL.",
		"Such sources bypass the registry's immutability (a git ref or URL can change "
		"under the same name) and are a common way to smuggle a package in.",
		"Prefer registry versions; pin git dependencies to a full commit; review why the "
		"entry comes from elsewhere." },
	[R_E01] = { "CAIRN-E01", "unknown-egress-host", CAIRN_SEV_HIGH, CAPT,
		"The capture shows outbound connections to a host that is not on the egress "
		"allowlist.",
		"An agent host should talk only to its registry and its model APIs; an unknown "
		"destination is where stolen tokens and data go.",
		"Block egress at the OS or network level except for the allowlist (nftables, a "
		"proxy with an allowlist, Kubernetes NetworkPolicy); find the process that "
		"connected; rotate what it could read." },
	[R_E02] = { "CAIRN-E02", "contradicted-egress-name", CAIRN_SEV_HIGH, CAPT,
		"A connection names an allowlisted host (TLS SNI, HTTP Host) while going to an "
		"address that the capture's own DNS never gave that name (it gave others, or "
		"said the name does not exist).",
		"The client's word is the only thing that puts the name there: malware that "
		"spoofs an allowed name in its Host header or SNI passes a name-based allowlist "
		"while its data goes to an address of its choice.",
		"Treat the address as an unknown destination: block it, find the process that "
		"connected, rotate what it could read; enforce egress by resolved address (a "
		"proxy or firewall that resolves the allowlisted names itself)." },
	[R_E03] = { "CAIRN-E03", "unconfirmed-egress-name", CAIRN_SEV_INFO, CAPT,
		"Hosts pass the allowlist only by names the client sent (TLS SNI, HTTP Host) that "
		"no DNS answer in the capture confirms, nor a server certificate whose chain "
		"verifies: allowed (unconfirmed).",
		"A claimed name proves nothing about where the data went; without the DNS "
		"lookups the allowlist verdict on these hosts rests on the client's word.",
		"Capture from before the agent starts, so its DNS lookups are recorded (or flush "
		"the resolver cache first: resolvectl flush-caches); or allowlist these "
		"destinations by address." },
	[R_E04] = { "CAIRN-E04", "dns-tunnel-suspected", CAIRN_SEV_HIGH, CAPT,
		"Many distinct names under one registrable domain were looked up in a burst (50 "
		"within 60 seconds, or 10 with a label of 24 characters or more), under a domain "
		"the allowlist does not cover.",
		"Data encoded into the names of DNS queries leaves through the resolver, past any "
		"allowlist of connections: the shape of DNS tunnels and of exfiltration by lookup.",
		"Block the domain at the resolver (RPZ, a DNS firewall), find the process that "
		"looked the names up, decode the labels to see what left, and rotate what it "
		"could read." },
	[R_E05] = { "CAIRN-E05", "unusual-resolver", CAIRN_SEV_MEDIUM, CAPT,
		"DNS queries went to a resolver the host does not normally use (not the one it "
		"asks most, not beside it, not a LAN resolver like it), which the allowlist does "
		"not list.",
		"A hard-coded public resolver bypasses the site's DNS logging and filtering, and "
		"its answers can point allowed names anywhere.",
		"Allow DNS only to the site's resolvers at the firewall (port 53 and DoT 853), find "
		"the process that asked, and list a resolver on the allowlist only on purpose." },
	[R_E06] = { "CAIRN-E06", "capture-without-egress", CAIRN_SEV_INFO, CAPT,
		"The capture holds flows but none from a local address to a remote one (nor DNS, "
		"nor a proxy request): a loopback or local-only capture, whose traffic was not "
		"judged as egress.",
		"Nothing in it can rule an outbound connection in or out: a report that said 'no "
		"egress' here would be silently wrong.",
		"Capture on the interface that carries the host's outbound traffic (tcpdump -i any "
		"or the uplink, not lo), or judge these flows with cairn-report --all / "
		"cairn-capture --all when the local peers are themselves the egress (a local "
		"proxy, a forwarder)." },
	[R_D01] = { "CAIRN-D01", "same-version-different-content", CAIRN_SEV_CRITICAL, DIFF,
		"A package keeps its version between the baseline and the snapshot but its "
		"files or integrity changed.",
		"A published version never changes: the same version with other bytes means the "
		"files were edited on disk or a tarball was swapped.",
		"Compare with the published tarball (npm cache, npm pack), reinstall with npm ci "
		"from the lockfile, and treat the host as compromised until explained." },
	[R_D02] = { "CAIRN-D02", "new-install-script", CAIRN_SEV_HIGH, DIFF,
		"Since the baseline a package gained an install-time script (preinstall, "
		"install, postinstall), or a new package arrived with one.",
		"A release that adds an install script is the signature of supply-chain worms: "
		"the script runs on every machine that installs it, before review.",
		"Pin the last good version, reinstall with npm ci --ignore-scripts, read the "
		"script, and report the release to the registry if it is malicious." },
	[R_D03] = { "CAIRN-D03", "new-package", CAIRN_SEV_LOW, DIFF,
		"Packages are installed now that were not in the baseline.",
		"New dependencies (often transitive) are new code from new maintainers running "
		"with the same rights.",
		"Review why each package arrived (npm explain <name>) and lock it." },
	[R_D04] = { "CAIRN-D04", "package-code-changed", CAIRN_SEV_MEDIUM, DIFF,
		"A package changed version and code files inside it changed.",
		"A patch release can change behaviour in one line (an extra BCC address, a new "
		"endpoint) while the tool descriptions stay the same: only the code diff shows "
		"it.",
		"Read the code diff of the release before trusting it (npm diff "
		"--diff=pkg@old --diff=pkg@new); pin the reviewed version." },
	[R_D05] = { "CAIRN-D05", "new-destination-in-code", CAIRN_SEV_HIGH, DIFF,
		"Lines added to a package's code since the baseline contain a host name, URL or "
		"e-mail address that the old code did not contain.",
		"New destinations in a dependency are how data leaves: an exfiltration host, a "
		"silent BCC recipient, a webhook.",
		"Pin the previous version, read the change, and block the destination at the "
		"egress allowlist until it is explained." },
	[R_X01] = { "CAIRN-X01", "install-script-and-unknown-egress", CAIRN_SEV_CRITICAL,
		DIFF | CAPT,
		"A new or changed install script (or a new destination in a package's code) and "
		"outbound connections to hosts outside the allowlist appear together.",
		"Code that runs at install plus a connection to an unknown host is the pattern "
		"of a worm exfiltrating credentials: assume the secrets on this host are "
		"stolen.",
		"Isolate the host, rotate every secret it held (tokens in env, npm and cloud "
		"credentials), reinstall from a known-good lockfile with npm ci "
		"--ignore-scripts, and block the host at the egress allowlist." },
	[R_T01] = { "CAIRN-T01", "forged-mtime", CAIRN_SEV_HIGH, SNAP,
		"A file's content changed but its mtime says otherwise. Against the baseline: "
		"the mtime is the old one to the nanosecond, moved back before the old content's, "
		"or older than the baseline that still held the old content and than the moment "
		"that content was written (its ctime); files an installer rewrote (a package "
		"added, removed or upgraded) are not judged. In the snapshot alone: an installed "
		"package's file differs from the published bytes, yet its mtime is that of the "
		"install (no later than the package's untouched files, within a second) while its "
		"ctime is later.",
		"Anyone who can write a file can set its mtime (touch -r), and attackers do, so "
		"that a tampered file looks untouched; the ctime, which only the kernel sets, "
		"shows when the inode really changed. A copy that keeps the times of older "
		"content (a rollback with rsync -a, tar x, cp -a) looks the same.",
		"Treat the file as tampered until explained: the report's timeline places the "
		"change at its ctime; look for what ran then (shell history, auth and package "
		"logs, the capture), compare the file with a known-good copy, and restore it "
		"from the package or the repository." },
	[R_C01] = { "CAIRN-C01", "unverified-packages", CAIRN_SEV_MEDIUM, SNAP,
		"Installed packages whose files could not be compared with the published bytes: "
		"each package record's coverage says why (no npm cache, tarball not in the cache, "
		"no lockfile or no integrity, a global install, a system package, no RECORD, ...). "
		"High when a cached tarball does not match its integrity.",
		"Nothing is known about the code of an unverified package: a file tampered with "
		"there goes unseen, so the verdict covers only the packages that were verified.",
		"Close each gap with the step its evidence names, then snapshot again: --npm-cache "
		"~/.npm (no npm cache); npm ci --ignore-scripts --cache DIR in a copy of the project "
		"to put the locked tarballs in the cache (tarball not in cache); commit a lockfile "
		"with integrity (no lockfile, no integrity); dpkg -V PACKAGE (system package); pip "
		"install --force-reinstall --no-deps NAME==VERSION (no RECORD)." },
	/* K: known-bad versions, matched by lib/known.c (not by cairn_rules_eval) */
	[R_K01] = { "CAIRN-K01", "known-malicious-package", CAIRN_SEV_CRITICAL, SNAP | ADVI,
		"An installed, locked, required or MCP-launched package version is named by a "
		"malicious-package advisory of an --advisories set (a MAL- id, or an advisory "
		"that marks the version as malware).",
		"A malicious release does its harm at install or first run: its code has "
		"already read what the installing user and the agent could read.",
		"Remove the version (it has no fix), pin a known-good one and reinstall with npm "
		"ci --ignore-scripts (pip install --require-hashes); treat the host as "
		"compromised from the first snapshot that shows it: rotate every secret it "
		"held, and find other hosts with cairn-report --store --sweep." },
	[R_K02] = { "CAIRN-K02", "known-vulnerable-package", CAIRN_SEV_HIGH, SNAP | ADVI,
		"An installed, locked, required or MCP-launched package version is inside an "
		"affected range of a vulnerability advisory of an --advisories set (severity "
		"from the advisory: its grade or CVSS v3 base score, medium when it gives none).",
		"A published vulnerability is the first thing an attacker tries against a "
		"reachable service, and advisories are public.",
		"Upgrade to the first fixed version the finding names (npm install "
		"name@version, then commit the lockfile), or remove the package when none is "
		"fixed." },
	[R_K03] = { "CAIRN-K03", "indicator-match", CAIRN_SEV_CRITICAL, SNAP | IOCS,
		"An indicator of an --ioc list matches what was recorded: a package version "
		"(installed, locked, required, launched), the contents of a file (sha256), a "
		"host, address or URL of a lockfile or an MCP config, or a host, address or DNS "
		"name of the capture or of the agent's tool calls.",
		"An indicator list is what an incident response shares: the exact versions, "
		"files and hosts of a known attack; a match puts this host inside it.",
		"Treat the host as compromised: preserve the snapshot and capture, isolate it, "
		"remove the package or file, block the host or address at the egress "
		"allowlist, rotate every secret the host held, and find when it arrived and "
		"which other hosts have it with cairn-report --store --sweep --ioc." },
	[R_D06] = { "CAIRN-D06", "new-persistence-file", CAIRN_SEV_MEDIUM, DIFF,
		"Since the baseline a file was added or changed in a place that runs code later "
		"on its own: a *.pth file in a site-packages folder, a Claude Code hook "
		"(.claude/settings.json, .claude/settings.local.json), a new CI workflow "
		"(.github/workflows/*.yml), a VS Code task that runs on folder open "
		"(.vscode/tasks.json), a package registry or token in .npmrc, .yarnrc.yml or "
		"pip.conf, or an MCP client config gaining a server. High for a .pth, a new hook "
		"or workflow, a folder-open task, a registry pointed elsewhere; medium otherwise.",
		"Malware persists where code runs without being called: Python runs the import "
		"lines of every .pth at each start (the 2026 LiteLLM compromise), agents run "
		"hook commands, editors run folderOpen tasks, CI runs workflows with the "
		"repository's secrets, .npmrc redirects the registry or holds a token, and a "
		"new MCP server runs with the agent's rights.",
		"Read the file and find what wrote it (the timeline, shell history, the package "
		"installed then); remove what nobody added on purpose; for a .pth, reinstall the "
		"Python environment from hashes (pip install --require-hashes); rotate the "
		"tokens the place could read." },
	[R_P12] = { "CAIRN-P12", "unowned-pth-file", CAIRN_SEV_LOW, SNAP,
		"A .pth file in a Python site-packages (or dist-packages) folder that no "
		"installed distribution's RECORD, no Debian package and not virtualenv lists. "
		"High when it has import lines (or cannot be read: a symlink, too large), low "
		"when it only adds paths to sys.path.",
		"Python executes every import line of every .pth in its site folders at each "
		"start, before any of the user's code: the way the 2026 LiteLLM compromise "
		"(litellm_init.pth) ran in every Python process. A file no package installed has "
		"no published bytes to vouch for it; a path line can put an attacker's folder "
		"in front of the real modules.",
		"Read the file (the evidence gives its first import line and sha256) and find "
		"what wrote it (the timeline; the package installed then); remove it if nobody "
		"added it on purpose, reinstall the environment from hashes (pip install "
		"--require-hashes -r requirements.txt, or a fresh venv), and rotate the secrets "
		"the Python processes could read." },
	[R_C02] = { "CAIRN-C02", "unread-input", CAIRN_SEV_MEDIUM, SNAP,
		"An input the snapshot should have read could not be read (its parse_error "
		"record): a lockfile or manifest over the size cap, a symlink or FIFO where a "
		"regular file belongs, a file that does not parse, a cache or log that could "
		"not be opened. One evidence item per file: the file, the reason, the step.",
		"What the file lists (locked versions and hashes, a package's files, servers, "
		"secrets) was neither checked nor ruled out: a verdict that said nothing was "
		"found would be silently wrong about it, and an attacker can make a file "
		"unreadable on purpose.",
		"Close each gap with the step its evidence names (a file over the cap: find out "
		"why it is so large and check it with its own tool; a link or FIFO: replace it "
		"with the regular file), then snapshot again." },
	/* agent logs: the MCP clients' own logs among the capture files
	 * (lib/agentlog.h, the "agent" object of the capture JSON) */
	[R_A01] = { "CAIRN-A01", "unexpected-tool-call", CAIRN_SEV_HIGH, CAPT,
		"An MCP client's log shows a call of a tool that is not on the expected tools "
		"(--expect-tools: server/tool, server/* or tool per line).",
		"A compromised or poisoned server gets the agent to use tools it never needed "
		"(reading files, sending mail, fetching URLs); a call outside the list is the "
		"tool-call anomaly defenders look for.",
		"Find out why the agent called it (the transcript around the call); remove the "
		"tool or the server from the client's config, or deny it in the client's "
		"permissions; add it to the list only when it is meant to be used." },
	[R_A02] = { "CAIRN-A02", "tool-manifest-change", CAIRN_SEV_MEDIUM, CAPT,
		"A tool's (prompt's, resource's, server instructions') description or input "
		"schema differs from an earlier listing in the logs: old and new SHA-256, the "
		"time, and the words that changed.",
		"What a tool tells the model is part of the agent's instructions: a server that "
		"rewrites a description after it was approved (a rug pull) changes what the "
		"agent does without any file of the install changing in a way a hash rule sees.",
		"Read the word diff; pin the server's package to the version whose manifest was "
		"reviewed; make the client ask again when a tool's description changes." },
	[R_A03] = { "CAIRN-A03", "suspicious-tool-description", CAIRN_SEV_HIGH, CAPT,
		"A text the server gives the model (description, schema text, name, title, "
		"instructions) matches the suspicious-description rules: instruction tags, "
		"hiding things from the user, orders about other tools, paths to secrets, asking "
		"for file contents or keys as a parameter, prompt overrides, invisible "
		"characters, base64 runs, another server's tool names (docs/RULES.md).",
		"Descriptions that address the model rather than describe the tool are how tool "
		"poisoning works: the model follows them, the user never sees them.",
		"Disable the server; read the whole description (the capture JSON has it); "
		"report it to the package's registry; rotate what the agent could read since "
		"the description first appeared." },
	[R_A04] = { "CAIRN-A04", "secret-in-tool-traffic", CAIRN_SEV_HIGH, CAPT,
		"A tool call's arguments or result carry a value shaped like a credential, one "
		"under a secret-looking name, or (critical) one whose HMAC equals that of an "
		"environment or MCP config secret the snapshot recorded.",
		"Secrets should stay in the agent's environment; in tool traffic they reach the "
		"server, its logs and whatever it forwards to, the second symptom of a "
		"compromised server.",
		"Rotate the secret now; find how it got into the call (a poisoned description, "
		"a file the agent read); keep secrets out of the agent's context and give "
		"servers scoped, short-lived credentials." },
	[R_A05] = { "CAIRN-A05", "unlisted-destination-in-tool-call", CAIRN_SEV_HIGH, CAPT,
		"A tool call's arguments name a host, URL or e-mail domain that is not on the "
		"allowlist.",
		"Exfiltration can ride a legitimate API: the connection goes to an allowed "
		"server while the destination (a BCC address, a webhook, an upload URL) is only "
		"in the arguments.",
		"Find what put the destination into the call (a description, a document the "
		"agent read); block the tool or the destination; add the host to the allowlist "
		"only when it belongs there." },
	[R_A06] = { "CAIRN-A06", "agent-log-gap", CAIRN_SEV_LOW, CAPT,
		"Part of an agent log could not be read or judged: lines that are not JSON, "
		"over the line limit or cut, messages logged without content, calls without a "
		"time, tables at their cap, or secrets that could not be matched with the "
		"snapshot's (no key, or another key).",
		"A verdict covers what was read; calls and secrets in the unread part are "
		"neither found nor ruled out.",
		"Each gap says the step that closes it: a proxy log with timestamps, the Claude "
		"Code transcript, the snapshot's env key, logs split by time." },
};

const cairn_rule *cairn_rules_table(size_t *count)
{
	*count = R__COUNT;
	return rules;
}

const cairn_rule *cairn_rule_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < R__COUNT; i++)
		if (!strcasecmp(rules[i].id, name) || !strcmp(rules[i].slug, name))
			return &rules[i];
	return NULL;
}

void cairn_rules_table_md(cairn_buf *out)
{
	size_t i;

	cairn_buf_addstr(out, "| id | rule | severity | needs | what it checks | why it matters | fix |\n"
			 "| --- | --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < R__COUNT; i++) {
		const cairn_rule *r = &rules[i];

		cairn_buf_addf(out, "| %s | `%s` | %s | %s%s%s%s | %s | %s | %s |\n", r->id, r->slug,
			       cairn_severity_name(r->severity),
			       r->inputs & SNAP ? "snapshot" : "",
			       r->inputs & DIFF ? (r->inputs & SNAP ? "+baseline" : "baseline") : "",
			       r->inputs & CAPT ? (r->inputs & (SNAP | DIFF) ? "+capture" : "capture") : "",
			       r->inputs & ADVI ? "+advisories" : r->inputs & IOCS ? "+indicators" : "",
			       r->checks, r->why, r->fix);
	}
}

/* ------------------------------------------------------------ helpers */

static const char *jstr(const json_t *o, const char *k)
{
	return cairn_json_str(o, k);
}

static const char *jstr_or(const json_t *o, const char *k, const char *def)
{
	return cairn_json_str_or(o, k, def);
}

static const json_t *jarr(const json_t *o, const char *k)
{
	return cairn_json_arr(o, k);
}

static const json_t *jobj(const json_t *o, const char *k)
{
	return cairn_json_obj(o, k);
}

static int jtrue(const json_t *o, const char *k)
{
	return cairn_json_true(o, k);
}

static json_int_t jint(const json_t *o, const char *k, json_int_t def)
{
	return cairn_json_int(o, k, def);
}

static int type_is(const json_t *rec, const char *type)
{
	const char *t = jstr(rec, "type");

	return t && !strcmp(t, type);
}

/* 1 when the string array arr holds s. */
static int has_str(const json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const char *v = json_string_value(json_array_get(arr, i));

		if (v && !strcmp(v, s))
			return 1;
	}
	return 0;
}

static int has_flag(const json_t *rec, const char *flag)
{
	return has_str(jarr(rec, "flags"), flag);
}

/* An evidence item from key/value string pairs, NULL-terminated; NULL
 * values are skipped.  "line" is given as a string of digits or not at
 * all; use ev_line() for numbers. */
static json_t *ev(const char *key, ...)
{
	json_t *o = json_object();
	va_list ap;
	const char *k = key;

	va_start(ap, key);
	while (k) {
		const char *v = va_arg(ap, const char *);

		if (v)
			json_object_set_new(o, k, json_string(v));
		k = va_arg(ap, const char *);
	}
	va_end(ap);
	return o;
}

static void ev_line(json_t *o, json_int_t line)
{
	if (line > 0)
		json_object_set_new(o, "line", json_integer(line));
}

/* Append to an evidence list, keeping at most MAX_EVIDENCE items. */
static void ev_add(json_t *list, json_t *item, size_t *dropped)
{
	if (json_array_size(list) < MAX_EVIDENCE)
		json_array_append_new(list, item);
	else {
		json_decref(item);
		(*dropped)++;
	}
}

static void ev_close(json_t *list, size_t dropped)
{
	char msg[96];

	if (!dropped)
		return;
	snprintf(msg, sizeof(msg), "%zu more not listed here (see the JSON report)", dropped);
	json_array_append_new(list, ev("detail", msg, NULL));
}

/* "project/path" of a package record, as an entry path. */
static void pkg_dir(cairn_buf *b, const json_t *rec)
{
	const char *project = jstr_or(rec, "project", "");
	const char *path = jstr_or(rec, "path", "");

	cairn_buf_clear(b);
	if (*project) {
		cairn_buf_addstr(b, project);
		cairn_buf_addch(b, '/');
	}
	cairn_buf_addstr(b, path);
}

static void project_file(cairn_buf *b, const char *project, const char *file)
{
	cairn_buf_clear(b);
	if (project && *project) {
		cairn_buf_addstr(b, project);
		cairn_buf_addch(b, '/');
	}
	cairn_buf_addstr(b, file);
}

/*
 * Is an npm dependency spec pinned to exact content?  Exact semver
 * ("1.2.3", "=1.2.3", "v1.2.3", with prerelease/build), "file:"/"link:"/
 * "workspace:" (local), a git URL with a full commit ("#<40 hex>"), an
 * "npm:name@<exact>" alias.  Everything else is a range or a tag.
 */
static int semver_exact(const char *s)
{
	int dots = 0, digits = 0;

	if (*s == '=')
		s++;
	if (*s == 'v')
		s++;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			digits++;
		} else if (*s == '.') {
			if (!digits)
				return 0;
			dots++;
			digits = 0;
		} else if ((*s == '-' || *s == '+') && dots == 2 && digits) {
			/* prerelease/build: anything but spaces and range chars */
			return !strpbrk(s, " <>=|^~*");
		} else {
			return 0;
		}
	}
	return dots == 2 && digits;
}

int cairn_rules_spec_pinned(const char *spec)
{
	const char *hash;
	size_t i;

	if (!spec)
		return 0;
	while (*spec == ' ')
		spec++;
	if (!strncmp(spec, "file:", 5) || !strncmp(spec, "link:", 5) ||
	    !strncmp(spec, "workspace:", 10) || !strncmp(spec, "portal:", 7))
		return 1;
	if (!strncmp(spec, "npm:", 4)) {
		const char *at = strrchr(spec + 5, '@');

		return at && semver_exact(at + 1);
	}
	if ((hash = strchr(spec, '#')) &&
	    (strstr(spec, "git") || strchr(spec, '/'))) {
		hash++;
		if (!strncmp(hash, "commit=", 7))
			hash += 7;
		for (i = 0; isxdigit((unsigned char)hash[i]); i++)
			;
		return i == 40 && !hash[i];
	}
	return semver_exact(spec);
}

/* Is a name secret-looking?  Mirrors docs/RECORDS.md §Secret names for
 * inputs that carry no "secret" marker of their own. */
int cairn_rules_secret_name(const char *name)
{
	static const char *const exact[] = {
		"DATABASE_URL", "REDIS_URL", "MONGODB_URI", "MONGO_URL", "POSTGRES_URL",
		"DSN", "SENTRY_DSN", "NPM_TOKEN", "NODE_AUTH_TOKEN", "GITHUB_TOKEN",
		"GH_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
		"GOOGLE_APPLICATION_CREDENTIALS", "KUBECONFIG", "SSH_AUTH_SOCK", NULL
	};
	static const char *const contains[] = {
		"TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE", NULL
	};
	static const char *const prefix[] = { "AWS_", "AZURE_", "GCP_", "GOOGLE_", "AUTH_", NULL };
	static const char *const suffix[] = { "_KEY", "_APIKEY", "_PASS", "_PWD", "_AUTH", NULL };
	char up[256];
	size_t i, n;

	if (!name)
		return 0;
	n = strlen(name);
	if (n >= sizeof(up))
		n = sizeof(up) - 1;
	for (i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[n] = '\0';
	for (i = 0; exact[i]; i++)
		if (!strcmp(up, exact[i]))
			return 1;
	for (i = 0; contains[i]; i++)
		if (strstr(up, contains[i]))
			return 1;
	for (i = 0; prefix[i]; i++)
		if (!strncmp(up, prefix[i], strlen(prefix[i])))
			return 1;
	for (i = 0; suffix[i]; i++) {
		size_t l = strlen(suffix[i]);

		if (n >= l && !strcmp(up + n - l, suffix[i]))
			return 1;
	}
	return 0;
}

/* A redacted-value object or a plain name: is it secret? */
static int redacted_secret(const json_t *v, const char **name)
{
	*name = json_is_string(v) ? json_string_value(v) : jstr(v, "name");
	if (json_is_object(v) && json_object_get(v, "secret"))
		return jtrue(v, "secret");
	return cairn_rules_secret_name(*name);
}

/* ------------------------------------------------------------ posture */

struct ctx {
	cairn_findings *out;
	const cairn_rules_input *in;
	cairn_buf tmp;
	cairn_buf tmp2;
	int install_script_changed;   /* D02 fired (for X01) */
	int unknown_egress;           /* E01 fired (for X01) */
	json_t *x01_evidence;
	cairn_buf unknown_hosts;      /* names for X01's title */
	cairn_buf top_path;           /* the last top-level package seen: */
	cairn_buf top_spec;           /* its path and its name@version */
};

/* A dependency on a member of the project's own workspace ("a": "*",
 * "workspace:^") resolves to the local folder, not to the registry. */
static int workspace_dep(const json_t *rec, const char *name, const char *spec)
{
	const json_t *ws = json_object_get(rec, "workspace_packages");
	size_t i;

	if (strcmp(spec, "*") && *spec && strncmp(spec, "workspace:", 10))
		return 0;
	for (i = 0; i < json_array_size(ws); i++)
		if (json_is_string(json_array_get(ws, i)) &&
		    !strcmp(json_string_value(json_array_get(ws, i)), name))
			return 1;
	return 0;
}

static void rule_unpinned_deps(struct ctx *c, const json_t *rec)
{
	static const char *const sections[] = {
		"dependencies", "optionalDependencies", "devDependencies", NULL
	};
	json_t *evl = json_array();
	cairn_buf names = CAIRN_BUF_INIT;
	size_t count = 0, dropped = 0;
	int s;

	project_file(&c->tmp, jstr(rec, "project"), "package.json");
	for (s = 0; sections[s]; s++) {
		const json_t *deps = jobj(rec, sections[s]);
		const char *name;
		json_t *spec;

		json_object_foreach((json_t *)deps, name, spec) {
			const char *sp = json_string_value(spec);
			json_t *e;

			if (!sp || cairn_rules_spec_pinned(sp) || workspace_dep(rec, name, sp))
				continue;
			count++;
			cairn_buf_clear(&c->tmp2);
			cairn_buf_addf(&c->tmp2, "\"%s\": \"%s\"", name, sp);
			e = ev("source", "snapshot", "file", c->tmp.data, "package", name,
			       "text", c->tmp2.data, "detail", sections[s], NULL);
			ev_add(evl, e, &dropped);
			if (count <= 3)
				cairn_buf_addf(&names, "%s%s %s", count > 1 ? ", " : "", name, sp);
		}
	}
	if (count) {
		ev_close(evl, dropped);
		cairn_findings_add(c->out, &rules[R_P01], evl,
				   "%s: %zu %s not pinned to an exact version (%s%s)",
				   c->tmp.data, count, count == 1 ? "dependency" : "dependencies",
				   names.data, count > 3 ? ", ..." : "");
	} else {
		json_decref(evl);
	}
	cairn_buf_release(&names);
}

static void rule_requirements(struct ctx *c, const json_t *records)
{
	json_t *evl = json_array();
	size_t i, count = 0, dropped = 0;
	const char *first = NULL;

	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		json_t *e;

		if (!type_is(r, "requirement") || !jstr(r, "name") || jtrue(r, "pinned"))
			continue;
		count++;
		if (!first)
			first = jstr(r, "file");
		e = ev("source", "snapshot", "file", jstr(r, "file"), "package", jstr(r, "name"),
		       "text", jstr(r, "text"), NULL);
		ev_line(e, jint(r, "line", 0));
		ev_add(evl, e, &dropped);
	}
	if (count) {
		ev_close(evl, dropped);
		cairn_findings_add(c->out, &rules[R_P01], evl,
				   "%zu Python %s not pinned with == (%s%s)", count,
				   count == 1 ? "requirement" : "requirements", first,
				   count > 1 ? ", ..." : "");
	} else {
		json_decref(evl);
	}
}

static void rule_mcp(struct ctx *c, const json_t *rec)
{
	const char *server = jstr_or(rec, "server", "?");
	const char *config = jstr_or(rec, "config", "?");
	const char *launcher = jstr(rec, "launcher");
	const char *pin = jstr(rec, "pin");
	const json_t *args = jarr(rec, "args");
	static const char *const lists[] = { "env", "headers", NULL };
	size_t i, count = 0;
	int l;
	json_t *evl;
	cairn_buf names = CAIRN_BUF_INIT;

	/* The command line as configured, for the evidence. */
	cairn_buf_clear(&c->tmp);
	cairn_buf_addstr(&c->tmp, jstr_or(rec, "command", ""));
	for (i = 0; i < json_array_size(args); i++) {
		const char *a = json_string_value(json_array_get(args, i));

		cairn_buf_addch(&c->tmp, ' ');
		cairn_buf_addstr(&c->tmp, a ? a : "?");
	}
	if (launcher && strcmp(launcher, "node") && strcmp(launcher, "python") &&
	    strcmp(launcher, "other") && pin && !jtrue(rec, "pinned")) {
		json_t *e = ev("source", "snapshot", "file", config, "package", jstr(rec, "package"),
			       "text", c->tmp.data, NULL);

		cairn_buf_clear(&c->tmp2);
		cairn_buf_addf(&c->tmp2, "launcher %s, pin: %s%s%s", launcher, pin,
			       jstr(rec, "package_version") ? ", requested " : "",
			       jstr_or(rec, "package_version", ""));
		json_object_set_new(e, "detail", json_string(c->tmp2.data));
		cairn_findings_add(c->out, &rules[R_P02], json_pack("[o]", e),
				   "MCP server '%s' runs %s %s without a pinned version",
				   server, launcher, jstr_or(rec, "package", "(no package)"));
	}

	evl = json_array();
	for (l = 0; lists[l]; l++) {
		const json_t *vals = jarr(rec, lists[l]);

		for (i = 0; i < json_array_size(vals); i++) {
			const char *name;
			json_t *e;

			if (!redacted_secret(json_array_get(vals, i), &name) || !name)
				continue;
			count++;
			cairn_buf_addf(&names, "%s%s", count > 1 ? ", " : "", name);
			cairn_buf_clear(&c->tmp2);
			cairn_buf_addf(&c->tmp2, "%s of server '%s'%s%s", lists[l], server,
				       jstr(json_array_get(vals, i), "rule") ? ", secret rule " : "",
				       jstr_or(json_array_get(vals, i), "rule", ""));
			e = ev("source", "snapshot", "file", config, "text", name,
			       "detail", c->tmp2.data, NULL);
			json_array_append_new(evl, e);
		}
	}
	if (count)
		cairn_findings_add(c->out, &rules[R_P05], evl,
				   "MCP server '%s' gets %zu secret%s in its config: %s",
				   server, count, count == 1 ? "" : "s", names.data);
	else
		json_decref(evl);
	cairn_buf_release(&names);
}

static void rule_env(struct ctx *c, const json_t *records)
{
	size_t i = 0, n = json_array_size(records);

	/* env records are sorted by source: one finding per source. */
	while (i < n) {
		const json_t *r = json_array_get(records, i);
		const char *source;
		json_t *evl;
		size_t count = 0, dropped = 0;
		cairn_buf names = CAIRN_BUF_INIT;

		if (!type_is(r, "env") || !jstr(r, "source")) {
			i++;
			continue;
		}
		source = jstr(r, "source");
		evl = json_array();
		for (; i < n; i++) {
			const json_t *x = json_array_get(records, i);
			const char *name;

			if (!type_is(x, "env") || !jstr(x, "source") ||
			    strcmp(jstr(x, "source"), source))
				break;
			if (!redacted_secret(x, &name) || !name)
				continue;
			count++;
			if (count <= 4)
				cairn_buf_addf(&names, "%s%s", count > 1 ? ", " : "", name);
			ev_add(evl, ev("source", "snapshot", "file", source, "text", name,
				       "detail", jstr(x, "rule") ? jstr(x, "rule") : "secret-looking name",
				       NULL), &dropped);
		}
		if (count) {
			ev_close(evl, dropped);
			cairn_findings_add(c->out, &rules[R_P06], evl,
					   "environment of %s holds %zu secret-looking variable%s (%s%s)",
					   source, count, count == 1 ? "" : "s", names.data,
					   count > 4 ? ", ..." : "");
		} else {
			json_decref(evl);
		}
		cairn_buf_release(&names);
	}
}

static void rule_install_cmd(struct ctx *c, const json_t *rec)
{
	static const struct { const char *flag, *why; } bad[] = {
		{ "not_ci", "npm install resolves again; npm ci installs exactly the lockfile" },
		{ "no_frozen_lockfile", "without --frozen-lockfile / --immutable the lockfile may be rewritten" },
		{ "no_require_hashes", "pip install without --require-hashes accepts any bytes" },
	};
	const json_t *flags = jarr(rec, "flags");
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *e;

		if (!has_str(flags, bad[i].flag))
			continue;
		e = ev("source", "snapshot", "file", jstr(rec, "file"),
		       "text", jstr_or(rec, "text", jstr_or(rec, "command", "?")),
		       "detail", bad[i].why, NULL);
		ev_line(e, jint(rec, "line", 0));
		cairn_findings_add(c->out, &rules[R_P07], json_pack("[o]", e),
				   "%s:%" JSON_INTEGER_FORMAT ": '%s' does not enforce the lockfile",
				   jstr_or(rec, "file", "?"), jint(rec, "line", 0),
				   jstr_or(rec, "command", "?"));
		break;
	}
	if (has_str(flags, "unpinned")) {
		json_t *e = ev("source", "snapshot", "file", jstr(rec, "file"),
			       "text", jstr_or(rec, "text", "?"),
			       "detail", "package argument without an exact version", NULL);

		ev_line(e, jint(rec, "line", 0));
		cairn_findings_add(c->out, &rules[R_P01], json_pack("[o]", e),
				   "%s:%" JSON_INTEGER_FORMAT ": '%s' installs or runs an unpinned package",
				   jstr_or(rec, "file", "?"), jint(rec, "line", 0),
				   jstr_or(rec, "command", "?"));
	}
}

/* Per-project grouped package rules: P03, P04, P08, P09, P11; per-package P10. */
struct proj {
	const json_t *rec;          /* npm_project record or NULL */
	const char *project;
	json_t *ev_scripts, *ev_unlocked, *ev_noint, *ev_source;
	size_t n_scripts, n_unlocked, n_noint, n_source, n_locked;
	size_t d_scripts, d_unlocked, d_noint, d_source;
	cairn_buf scripts_names;
	int no_lockfile;
	int pypi;                   /* a site-packages folder: Python words, pip fixes */
	const char *lock_install;   /* pypi: the command that installs the lock */
};

static void proj_init(struct proj *p, const char *project)
{
	memset(p, 0, sizeof(*p));
	p->project = project;
	p->ev_scripts = json_array();
	p->ev_unlocked = json_array();
	p->ev_noint = json_array();
	p->ev_source = json_array();
	cairn_buf_init(&p->scripts_names);
}

/* Does s hold only characters of package names and versions (so that a
 * command built from it can be pasted into a shell as it is)? */
static int shell_plain(const char *s)
{
	if (!s || !*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._+-:!", *s)))
			return 0;
	return 1;
}

/* An npm package name a shell reads as itself: shell_plain, with a
 * scope's leading '@' and its one '/'. */
static int npm_name_plain(const char *s)
{
	const char *slash;
	char part[215];

	if (!s || *s != '@')
		return shell_plain(s);
	slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s - 1) >= sizeof(part) || strchr(slash + 1, '/'))
		return 0;
	memcpy(part, s + 1, (size_t)(slash - s - 1));
	part[slash - s - 1] = '\0';
	return shell_plain(part) && shell_plain(slash + 1);
}

/* The length of the top-level package's path a package record lies in
 * ("node_modules/a" of "node_modules/a/node_modules/b"); 0 for none.
 * *own set when the record is that package itself. */
static size_t top_level(const json_t *rec, int *own)
{
	const char *path = jstr(rec, "path"), *end;

	if (!path || strncmp(path, "node_modules/", 13))
		return 0;
	end = path + 13;
	if (*end == '@' && (end = strchr(end, '/')) != NULL)
		end++;
	if (!end || !(end = strchrnul(end, '/')) || end == path + 13)
		return 0;
	if (own)
		*own = !*end;
	return (size_t)(end - path);
}

/* P10 evidence: the command that puts back the files of a package that
 * npm ci (the rule's fix) does not restore: a Debian package's from the
 * archive, a pip distribution's from the index, a global npm package's
 * from the registry (a global prefix has no lockfile).  None when a name
 * holds anything a shell would read. */
static void restore_step(struct ctx *c, json_t *evl, const json_t *rec, const json_t *files,
			 const char *name, const char *version, const char *proj_kind)
{
	const char *deb = jstr(files, "system_package");

	cairn_buf_clear(&c->tmp2);
	if (deb && !strcmp(jstr_or(files, "authority", ""), "dpkg") && shell_plain(deb))
		cairn_buf_addf(&c->tmp2, "dpkg -V %s; apt-get install --reinstall %s", deb, deb);
	else if (!deb && !strcmp(jstr_or(rec, "ecosystem", ""), "pypi") && shell_plain(name) &&
		 shell_plain(version))
		cairn_buf_addf(&c->tmp2, "pip install --force-reinstall --no-deps %s==%s", name,
			       version);
	else if (!deb && proj_kind && !strcmp(proj_kind, "global") && top_level(rec, NULL) &&
		 c->top_spec.len)
		/* a nested package comes back with the global package above it */
		cairn_buf_addf(&c->tmp2, "npm install -g %s", c->top_spec.data);
	else
		return;
	json_array_append_new(evl, ev("source", "snapshot", "detail",
				      "to put back the packaged files, once the evidence is kept",
				      "text", c->tmp2.data, NULL));
}


static void pkg_rules(struct ctx *c, struct proj *p, const json_t *rec)
{
	const char *name = jstr_or(rec, "name", "?");
	const char *version = jstr(rec, "version");
	static const char *const unlocked_flags[] = {
		"not_locked", "version_mismatch", "name_mismatch", NULL
	};
	static const char *const source_flags[] = {
		"resolved_other_host", "git_dependency", "tarball_dependency", NULL
	};
	int i;

	{
		int own = 0;
		size_t n = top_level(rec, &own);

		if (n && own) {
			cairn_buf_clear(&c->top_path);
			cairn_buf_clear(&c->top_spec);
			cairn_buf_add(&c->top_path, jstr(rec, "path"), n);
			if (npm_name_plain(name) && shell_plain(version))
				cairn_buf_addf(&c->top_spec, "%s@%s", name, version);
		} else if (!n || n != c->top_path.len ||
			   memcmp(jstr(rec, "path"), c->top_path.data, n)) {
			cairn_buf_clear(&c->top_path);
			cairn_buf_clear(&c->top_spec);
		}
	}
	pkg_dir(&c->tmp, rec);
	if (has_flag(rec, "no_lockfile"))
		p->no_lockfile = 1;
	if (!strcmp(jstr_or(rec, "ecosystem", "npm"), "pypi")) {
		p->pypi = 1;
		if (!p->lock_install)
			p->lock_install = jstr(rec, "lock_install");
	}
	if (jstr(rec, "locked_version") || has_flag(rec, "locked_missing"))
		p->n_locked++;
	if (jtrue(rec, "has_install_script") || has_flag(rec, "install_script")) {
		const json_t *scripts = jobj(rec, "scripts");
		const char *k;
		json_t *v;
		json_t *e;

		cairn_buf_clear(&c->tmp2);
		json_object_foreach((json_t *)scripts, k, v) {
			if (c->tmp2.len)
				cairn_buf_addch(&c->tmp2, '\n');
			cairn_buf_addf(&c->tmp2, "%s: %s", k,
				       json_is_string(v) ? json_string_value(v) : "?");
		}
		if (!c->tmp2.len)
			cairn_buf_addstr(&c->tmp2, "(implicit node-gyp rebuild: binding.gyp / gypfile)");
		p->n_scripts++;
		if (p->n_scripts <= 3)
			cairn_buf_addf(&p->scripts_names, "%s%s", p->n_scripts > 1 ? ", " : "", name);
		e = ev("source", "snapshot", "file", c->tmp.data, "package", name, "version", version,
		       "text", c->tmp2.data,
		       "detail", has_flag(rec, "install_script_not_in_lock") ?
				 "the lockfile does not record hasInstallScript for it" : NULL,
		       NULL);
		ev_add(p->ev_scripts, e, &p->d_scripts);
	}
	/* pypi: a required locked distribution that is not installed (dev
	 * groups and entries for other environments are absent on purpose) */
	if (p->pypi && has_flag(rec, "locked_missing") && !jtrue(rec, "dev") && !jtrue(rec, "optional") &&
	    strstr(jstr_or(rec, "project", ""), "site-packages")) {
		cairn_buf_clear(&c->tmp2);
		cairn_buf_addf(&c->tmp2, "locked_missing (locked %s, not installed)",
			       jstr_or(rec, "locked_version", "-"));
		/* the PEP 508 markers that make it required here */
		if (jstr(rec, "markers"))
			cairn_buf_addf(&c->tmp2, "; required here: %s", jstr(rec, "markers"));
		p->n_unlocked++;
		ev_add(p->ev_unlocked, ev("source", "snapshot", "file", jstr(rec, "lockfile"),
					  "package", name, "version", jstr(rec, "locked_version"),
					  "detail", c->tmp2.data, NULL), &p->d_unlocked);
	}
	for (i = 0; unlocked_flags[i]; i++) {
		if (has_flag(rec, unlocked_flags[i])) {
			cairn_buf_clear(&c->tmp2);
			cairn_buf_addf(&c->tmp2, "%s (installed %s, locked %s)", unlocked_flags[i],
				       version ? version : "-", jstr_or(rec, "locked_version", "-"));
			p->n_unlocked++;
			ev_add(p->ev_unlocked, ev("source", "snapshot", "file", c->tmp.data,
						  "package", name, "version", version,
						  "detail", c->tmp2.data, NULL), &p->d_unlocked);
			break;
		}
	}
	if (has_flag(rec, "no_integrity")) {
		p->n_noint++;
		ev_add(p->ev_noint, ev("source", "snapshot", "file", jstr(rec, "lockfile"),
				       "package", name, "version", jstr(rec, "locked_version"),
				       "text", c->tmp.data, NULL), &p->d_noint);
	}
	for (i = 0; source_flags[i]; i++) {
		if (has_flag(rec, source_flags[i])) {
			p->n_source++;
			ev_add(p->ev_source, ev("source", "snapshot", "file", jstr(rec, "lockfile"),
						"package", name, "version", version,
						"text", jstr_or(rec, "resolved", c->tmp.data),
						"detail", source_flags[i], NULL), &p->d_source);
			break;
		}
	}
	/* P10: files differ from the published tarball / RECORD. */
	{
		const json_t *files = jobj(rec, "files");
		static const char *const kinds[] = { "modified", "added", "missing", NULL };
		json_t *evl = json_array();
		size_t count = 0, dropped = 0, j;
		int k;

		for (k = 0; files && kinds[k]; k++) {
			const json_t *list = jarr(files, kinds[k]);

			for (j = 0; j < json_array_size(list); j++) {
				const char *f = json_string_value(json_array_get(list, j));

				if (!f)
					continue;
				count++;
				cairn_buf_clear(&c->tmp2);
				if (!strcmp(jstr_or(rec, "ecosystem", "npm"), "pypi")) {
					/* pypi lists paths as RECORD does: relative
					 * to the site folder (project), "../../../bin/x" */
					char *res = cairn_path_resolve(jstr_or(rec, "project", ""), f);

					cairn_buf_addstr(&c->tmp2, res ? res : f);
					free(res);
				} else {
					cairn_buf_addf(&c->tmp2, "%s/%s", c->tmp.data, f);
				}
				ev_add(evl, ev("source", "snapshot", "file", c->tmp2.data,
					       "package", name, "version", version,
					       "detail", kinds[k], NULL), &dropped);
			}
		}
		if (!count && (has_flag(rec, "record_mismatch") || has_flag(rec, "files_modified"))) {
			count++;
			json_array_append_new(evl, ev("source", "snapshot", "file", c->tmp.data,
						      "package", name, "version", version,
						      "detail", "flags record a mismatch", NULL));
		}
		if (count) {
			ev_close(evl, dropped);
			if (files && jstr(files, "source"))
				json_array_append_new(evl, ev("source", "snapshot",
					"detail", "compared with the published bytes",
					"text", jstr(files, "source"), NULL));
			restore_step(c, evl, rec, files, name, version,
				     p && p->rec ? jstr(p->rec, "kind") : NULL);
			cairn_findings_add(c->out, &rules[R_P10], evl,
					   "%s@%s: %zu installed file%s differ%s from the published package",
					   name, version ? version : "?", count, count == 1 ? "" : "s",
					   count == 1 ? "s" : "");
		} else {
			json_decref(evl);
		}
	}
}

static void proj_finish(struct ctx *c, struct proj *p)
{
	const char *label = p->project && *p->project ? p->project : "(root)";
	const char *kind = p->pypi ? "Python environment" : "npm project";
	json_int_t lock_entries = jint(p->rec, "lock_entries", -1);
	json_int_t installed = jint(p->rec, "installed", -1);

	/* a global prefix keeps no lockfile, the project around a
	 * node_modules snapshot root is not in the snapshot, and a workspace
	 * member is covered by its root's lockfile: nothing to commit */
	if (p->rec && !jstr(p->rec, "lockfile") && !jstr(p->rec, "workspace_root") &&
	    !strcmp(jstr_or(p->rec, "kind", "project"), "project")) {
		const json_t *deps = jobj(p->rec, "dependencies");
		size_t declared = json_object_size(deps) + json_object_size(jobj(p->rec, "devDependencies")) +
				  json_object_size(jobj(p->rec, "optionalDependencies"));

		/* (a workspace root: its members' dependencies are its to lock) */
		if (declared || installed > 0 || p->no_lockfile ||
		    json_array_size(json_object_get(p->rec, "workspace_members")) > 0) {
			project_file(&c->tmp, p->project, "package.json");
			cairn_buf_clear(&c->tmp2);
			cairn_buf_addf(&c->tmp2, "%zu declared dependencies, %" JSON_INTEGER_FORMAT
				       " installed packages, hidden lockfile: %s", declared,
				       installed < 0 ? 0 : installed,
				       jtrue(p->rec, "hidden_lockfile") ? "yes (node_modules/.package-lock.json, not committed)" : "no");
			cairn_findings_add(c->out, &rules[R_P03],
					   json_pack("[o]", ev("source", "snapshot", "file", c->tmp.data,
							       "detail", c->tmp2.data, NULL)),
					   "npm project %s has no committed lockfile", label);
		}
	}
	if (p->n_noint) {
		char det[128];

		ev_close(p->ev_noint, p->d_noint);
		snprintf(det, sizeof(det), "%zu of %" JSON_INTEGER_FORMAT " lockfile entries lack integrity",
			 p->n_noint, lock_entries < 0 ? (json_int_t)p->n_locked : lock_entries);
		json_array_insert_new(p->ev_noint, 0, ev("source", "snapshot", "detail", det, NULL));
		if (p->pypi)
			json_array_append_new(p->ev_noint, ev("source", "snapshot", "detail",
				"pin every distribution with its sha256 and install with --require-hashes",
				"text", "pip-compile --generate-hashes -o requirements.txt requirements.in", NULL));
		cairn_findings_add(c->out, &rules[R_P04], p->ev_noint,
				   "%s %s: %zu of %" JSON_INTEGER_FORMAT " lockfile entries have no integrity",
				   kind, label, p->n_noint, lock_entries < 0 ? (json_int_t)p->n_locked : lock_entries);
		p->ev_noint = NULL;
	}
	if (p->n_scripts) {
		ev_close(p->ev_scripts, p->d_scripts);
		cairn_findings_add(c->out, &rules[R_P08], p->ev_scripts,
				   "%s %s: %zu package%s run%s code at install (%s%s)",
				   kind, label, p->n_scripts, p->n_scripts == 1 ? "" : "s",
				   p->n_scripts == 1 ? "s" : "", p->scripts_names.data,
				   p->n_scripts > 3 ? ", ..." : "");
		p->ev_scripts = NULL;
	}
	if (p->n_unlocked) {
		ev_close(p->ev_unlocked, p->d_unlocked);
		if (p->pypi && p->lock_install)
			json_array_append_new(p->ev_unlocked, ev("source", "snapshot",
				"detail", "to install what the lockfile says (poetry --sync, uv sync and pipenv clean also "
				"remove what it does not list; after pip, pip uninstall each not_locked package)",
				"text", p->lock_install, NULL));
		if (p->pypi)
			cairn_findings_add(c->out, &rules[R_P09], p->ev_unlocked,
					   "%s %s: %zu package%s differ%s from the lockfile", kind, label,
					   p->n_unlocked, p->n_unlocked == 1 ? "" : "s",
					   p->n_unlocked == 1 ? "s" : "");
		else
			cairn_findings_add(c->out, &rules[R_P09], p->ev_unlocked,
					   "%s %s: %zu installed package%s not covered by the lockfile",
					   kind, label, p->n_unlocked, p->n_unlocked == 1 ? "" : "s");
		p->ev_unlocked = NULL;
	}
	if (p->n_source) {
		ev_close(p->ev_source, p->d_source);
		cairn_findings_add(c->out, &rules[R_P11], p->ev_source,
				   "%s %s: %zu package%s from outside the registry",
				   kind, label, p->n_source, p->n_source == 1 ? "" : "s");
		p->ev_source = NULL;
	}
	json_decref(p->ev_scripts);
	json_decref(p->ev_unlocked);
	json_decref(p->ev_noint);
	json_decref(p->ev_source);
	cairn_buf_release(&p->scripts_names);
}

static int proj_cmp(const void *a, const void *b)
{
	const struct proj *x = a, *y = b;

	return strcmp(x->project, y->project);
}

/* C01: packages whose files were not compared with published bytes, one
 * evidence item per reason with the step that closes the gap.  Local
 * links (the user's own code) are counted in the coverage, not flagged. */
static void rule_coverage(struct ctx *c, const json_t *records)
{
	json_t *sec = cairn_coverage_section(NULL, records);
	const json_t *gaps = jarr(sec, "gaps");
	json_int_t packages = jint(sec, "packages", 0), bad = 0;
	json_t *evl = json_array();
	cairn_finding *f;
	size_t i;
	int corrupt = 0;

	for (i = 0; i < json_array_size(gaps); i++) {
		const json_t *g = json_array_get(gaps, i);
		const json_t *ex = jarr(g, "examples");
		const char *reason = jstr_or(g, "reason", "?");
		json_int_t n = jint(g, "count", 0);
		size_t k;

		if (!strcmp(reason, "link"))
			continue;
		if (!strcmp(reason, "cache_corrupt"))
			corrupt = 1;
		bad += n;
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " not verified: %s", n,
			       jstr_or(g, "words", reason));
		for (k = 0; k < json_array_size(ex); k++)
			cairn_buf_addf(&c->tmp, "%s%s", k ? ", " : " (", json_string_value(json_array_get(ex, k)) ?
				       json_string_value(json_array_get(ex, k)) : "?");
		if (k)
			cairn_buf_addstr(&c->tmp, n > (json_int_t)k ? ", ...)" : ")");
		if (jstr(g, "detail"))
			cairn_buf_addf(&c->tmp, ": %s", jstr_or(g, "detail", ""));
		json_array_append_new(evl, ev("source", "snapshot", "detail", c->tmp.data,
					      "text", jstr(g, "fix"), NULL));
	}
	if (!bad) {
		json_decref(evl);
		json_decref(sec);
		return;
	}
	if (bad == packages)
		f = cairn_findings_add(c->out, &rules[R_C01], evl,
				       "none of the %" JSON_INTEGER_FORMAT " installed package%s could be "
				       "verified against published bytes", packages, packages == 1 ? "" : "s");
	else
		f = cairn_findings_add(c->out, &rules[R_C01], evl,
				       "%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " installed "
				       "packages could not be verified against published bytes",
				       bad, packages);
	if (corrupt)
		f->severity = CAIRN_SEV_HIGH;
	json_decref(sec);
}

/* C02: each parse_error record, an input not read, with the step that
 * closes the gap (cairn_coverage_section's "unread"). */
static void rule_unread(struct ctx *c, const json_t *records)
{
	json_t *sec = cairn_coverage_section(NULL, records);
	const json_t *un = jarr(sec, "unread");
	json_t *evl;
	size_t i, n = json_array_size(un), dropped = 0;

	if (!n) {
		json_decref(sec);
		return;
	}
	evl = json_array();
	for (i = 0; i < n; i++) {
		const json_t *u = json_array_get(un, i);

		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "not read (%s): %s", jstr_or(u, "analyzer", "?"),
			       jstr_or(u, "message", "?"));
		ev_add(evl, ev("source", "snapshot", "file", jstr(u, "file"), "detail", c->tmp.data,
			       "text", jstr(u, "fix"), NULL), &dropped);
	}
	ev_close(evl, dropped);
	cairn_findings_add(c->out, &rules[R_C02], evl,
			   "%zu input%s could not be read: what %s was not verified", n,
			   n == 1 ? "" : "s", n == 1 ? "it lists" : "they list");
	json_decref(sec);
}

/* CAIRN-P12: a .pth nobody installed (docs/RECORDS.md python_pth). */
static void rule_pth(struct ctx *c, const json_t *r)
{
	const json_t *imp = json_object_get(r, "import_lines");
	const char *path = jstr_or(r, "path", "?"), *site = jstr_or(r, "site", "");
	json_int_t n = json_integer_value(imp);
	cairn_finding *f;
	json_t *evl;

	if (jstr(r, "owner"))
		return;
	cairn_buf_clear(&c->tmp2);
	if (!json_is_integer(imp))
		cairn_buf_addf(&c->tmp2, "not read (%s): what Python runs from it is not known",
			       jstr_or(r, "error", "?"));
	else if (n)
		cairn_buf_addf(&c->tmp2, "%" JSON_INTEGER_FORMAT " import line%s (of %" JSON_INTEGER_FORMAT
			       ") run at every Python start; listed in no RECORD, no Debian package",
			       n, n == 1 ? "" : "s", jint(r, "lines", 0));
	else
		cairn_buf_addf(&c->tmp2, "no import line (%" JSON_INTEGER_FORMAT " line%s): the folders "
			       "it names go on sys.path; listed in no RECORD, no Debian package",
			       jint(r, "lines", 0), jint(r, "lines", 0) == 1 ? "" : "s");
	evl = json_pack("[o]", ev("source", "snapshot", "file", path, "detail", c->tmp2.data,
				  "text", jstr(r, "first_import"), NULL));
	if (jstr(r, "sha256"))
		json_array_append_new(evl, ev("source", "snapshot", "file", path, "detail", "sha256",
					      "text", jstr(r, "sha256"), NULL));
	if (!json_is_integer(imp) || n > 0)
		f = cairn_findings_add(c->out, &rules[R_P12], evl,
				       "%s in %s runs code at every Python start; no installed package lists it",
				       cairn_path_base(path), *site ? site : "(root)");
	else
		f = cairn_findings_add(c->out, &rules[R_P12], evl,
				       "%s in %s adds paths to sys.path; no installed package lists it",
				       cairn_path_base(path), *site ? site : "(root)");
	if (f && (!json_is_integer(imp) || n > 0))
		f->severity = CAIRN_SEV_HIGH;
}

static void posture(struct ctx *c, const json_t *records)
{
	struct proj *projs = NULL;
	size_t np = 0, cap = 0, i, j;

	/* Projects first (npm_project records), then packages by project. */
	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const char *project;

		if (!type_is(r, "npm_project") && !type_is(r, "package"))
			continue;
		if (type_is(r, "package") && strcmp(jstr_or(r, "ecosystem", "npm"), "npm"))
			project = jstr_or(r, "project", "");   /* pypi: site-packages */
		else
			project = jstr_or(r, "project", "");
		for (j = 0; j < np; j++)
			if (!strcmp(projs[j].project, project))
				break;
		if (j == np) {
			if (np == cap) {
				cap = cap ? cap * 2 : 8;
				projs = cairn_realloc(projs, cap * sizeof(*projs));
			}
			proj_init(&projs[np++], project);
		}
		if (type_is(r, "npm_project")) {
			projs[j].rec = r;
			rule_unpinned_deps(c, r);
		} else {
			pkg_rules(c, &projs[j], r);
		}
	}
	if (np > 1)
		qsort(projs, np, sizeof(*projs), proj_cmp);
	for (j = 0; j < np; j++)
		proj_finish(c, &projs[j]);
	free(projs);

	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);

		if (type_is(r, "mcp_server"))
			rule_mcp(c, r);
		else if (type_is(r, "python_pth"))
			rule_pth(c, r);
		else if (type_is(r, "install_cmd"))
			rule_install_cmd(c, r);
	}
	rule_requirements(c, records);
	rule_env(c, records);
	rule_coverage(c, records);
	rule_unread(c, records);
}

/* ------------------------------------------------------------ diff */

/* The entry changes of the diff below dir/ (content changes only). */
static void changed_files(const json_t *diff, const char *dir, json_t *evl,
			  size_t *count, size_t *dropped, const char *pkg)
{
	const json_t *changes = jarr(diff, "changes");
	size_t i, dl = strlen(dir);

	for (i = 0; i < json_array_size(changes); i++) {
		const json_t *ch = json_array_get(changes, i);
		const char *path = jstr(ch, "path");
		const char *kind = jstr(ch, "change");
		int k = cairn_diff_kind_parse(kind);

		if (!path || !kind || strncmp(path, dir, dl) || path[dl] != '/')
			continue;
		/* nested node_modules belong to other packages */
		if (strstr(path + dl, "/node_modules/"))
			continue;
		if (k != CAIRN_DIFF_ADDED && k != CAIRN_DIFF_REMOVED && k != CAIRN_DIFF_MODIFIED)
			continue;
		if (!strcmp(jstr_or(json_object_get(ch, "new"), "kind",
				    jstr_or(json_object_get(ch, "old"), "kind", "file")), "dir"))
			continue;
		(*count)++;
		ev_add(evl, ev("source", "diff", "file", path, "package", pkg, "detail", kind, NULL),
		       dropped);
	}
}

static const char *pkg_label(const json_t *rec)
{
	return jstr_or(rec, "name", jstr_or(rec, "path", "?"));
}

static void diff_rules(struct ctx *c, const json_t *diff)
{
	const json_t *recs = jarr(diff, "records");
	json_t *ev_new = json_array();
	size_t i, n_new = 0, d_new = 0;
	cairn_buf names = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rc = json_array_get(recs, i);
		const char *type = jstr_or(rc, "type", "");
		int change = cairn_rec_change_parse(jstr(rc, "change"));
		const json_t *old = json_object_get(rc, "old"), *new = json_object_get(rc, "new");

		if (strcmp(type, "package"))
			continue;
		if (change == CAIRN_RC_SAME_VERSION_DIFFERENT_CONTENT) {
			json_t *evl = json_array();
			size_t count = 0, dropped = 0;

			pkg_dir(&c->tmp, new);
			json_array_append_new(evl, ev("source", "diff", "file", c->tmp.data,
				"package", pkg_label(new), "version", jstr(new, "version"),
				"detail", "content digest before", "text",
				jstr_or(old, "content_sha256", jstr_or(old, "integrity", "?")), NULL));
			json_array_append_new(evl, ev("source", "diff", "file", c->tmp.data,
				"package", pkg_label(new), "version", jstr(new, "version"),
				"detail", "content digest after", "text",
				jstr_or(new, "content_sha256", jstr_or(new, "integrity", "?")), NULL));
			changed_files(diff, c->tmp.data, evl, &count, &dropped, pkg_label(new));
			ev_close(evl, dropped);
			cairn_findings_add(c->out, &rules[R_D01], evl,
					   "%s@%s: same version, different content (%zu file%s changed)",
					   pkg_label(new), jstr_or(new, "version", "?"), count,
					   count == 1 ? "" : "s");
		} else if (change == CAIRN_RC_SCRIPTS_CHANGED ||
			   (change == CAIRN_RC_ADDED && json_object_size(jobj(new, "scripts")))) {
			const json_t *os = jobj(old, "scripts"), *ns = jobj(new, "scripts");
			const char *k;
			json_t *v;
			json_t *evl = json_array();
			size_t count = 0;

			pkg_dir(&c->tmp, new);
			json_object_foreach((json_t *)ns, k, v) {
				const json_t *was = json_object_get(os, k);

				if (was && json_equal(was, v))
					continue;
				count++;
				cairn_buf_clear(&c->tmp2);
				cairn_buf_addf(&c->tmp2, "%s: %s", k,
					       json_is_string(v) ? json_string_value(v) : "?");
				json_array_append_new(evl, ev("source", "diff",
					"file", c->tmp.data, "package", pkg_label(new),
					"version", jstr(new, "version"),
					"text", c->tmp2.data,
					"detail", was ? "script changed" : "new script", NULL));
			}
			if (count) {
				c->install_script_changed = 1;
				if (!c->x01_evidence)
					c->x01_evidence = json_array();
				json_array_extend(c->x01_evidence, evl);
				if (change == CAIRN_RC_ADDED)
					cairn_findings_add(c->out, &rules[R_D02], evl,
							   "new package %s@%s arrived with an install script",
							   pkg_label(new), jstr_or(new, "version", "?"));
				else
					cairn_findings_add(c->out, &rules[R_D02], evl,
							   "%s %s -> %s gained an install script",
							   pkg_label(new), jstr_or(old, "version", "?"),
							   jstr_or(new, "version", "?"));
			} else {
				json_decref(evl);
			}
		}
		if (change == CAIRN_RC_ADDED) {
			n_new++;
			if (n_new <= 3)
				cairn_buf_addf(&names, "%s%s@%s", n_new > 1 ? ", " : "",
					       pkg_label(new), jstr_or(new, "version", "?"));
			pkg_dir(&c->tmp, new);
			ev_add(ev_new, ev("source", "diff", "file", c->tmp.data, "package", pkg_label(new),
					  "version", jstr(new, "version"), NULL), &d_new);
		} else if (change == CAIRN_RC_VERSION_CHANGED) {
			json_t *evl = json_array();
			size_t count = 0, dropped = 0;

			pkg_dir(&c->tmp, new);
			changed_files(diff, c->tmp.data, evl, &count, &dropped, pkg_label(new));
			ev_close(evl, dropped);
			if (count)
				cairn_findings_add(c->out, &rules[R_D04], evl,
						   "%s %s -> %s: %zu file%s changed in the package",
						   pkg_label(new), jstr_or(old, "version", "?"),
						   jstr_or(new, "version", "?"), count, count == 1 ? "" : "s");
			else
				json_decref(evl);
		}
	}
	if (n_new) {
		ev_close(ev_new, d_new);
		cairn_findings_add(c->out, &rules[R_D03], ev_new, "%zu new package%s since the baseline (%s%s)",
				   n_new, n_new == 1 ? "" : "s", names.data, n_new > 3 ? ", ..." : "");
	} else {
		json_decref(ev_new);
	}
	cairn_buf_release(&names);
}

struct dest_line {
	const char *line;
	json_t *out;
};

/* D05 over the file changes that carry a patch excerpt ("patch", added by
 * the report when the store has both contents; lib/report_build.c).
 * Destinations in one line (lib/destscan.c): URLs' hosts, e-mail
 * addresses, and quoted dotted names with a letter TLD. */
static void destination_found(void *ctx, int kind, size_t off, size_t len)
{
	struct dest_line *d = ctx;
	char *h;

	if (kind == CAIRN_DEST_ADDR)
		return;
	h = cairn_strndup(d->line + off, len);
	if (!has_str(d->out, h))
		json_array_append_new(d->out, json_string(h));
	free(h);
}

static void destinations(const char *line, size_t len, json_t *out)
{
	struct dest_line d = { line, out };

	cairn_dest_scan(line, len, destination_found, &d);
}

/* Lockfiles and docs list URLs by nature; their changes are judged by the
 * package rules, not here. */
static int not_code(const char *path)
{
	static const char *const names[] = {
		"package-lock.json", ".package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
		"pnpm-lock.yaml", "poetry.lock", "Pipfile.lock", "uv.lock", "RECORD", NULL
	};
	static const char *const exts[] = { ".md", ".markdown", ".txt", ".map", ".d.ts", NULL };
	const char *base = path ? strrchr(path, '/') : NULL;
	size_t i, n = path ? strlen(path) : 0;

	base = base ? base + 1 : path;
	for (i = 0; base && names[i]; i++)
		if (!strcmp(base, names[i]))
			return 1;
	for (i = 0; exts[i]; i++)
		if (n >= strlen(exts[i]) && !strcasecmp(path + n - strlen(exts[i]), exts[i]))
			return 1;
	return 0;
}

static void new_destinations(struct ctx *c, const json_t *files)
{
	size_t i;

	for (i = 0; i < json_array_size(files); i++) {
		const json_t *f = json_array_get(files, i);
		const char *patch = not_code(jstr(f, "path")) ? NULL : jstr(f, "patch");
		json_t *added = json_array(), *removed = json_array(), *evl;
		const char *p, *nl;
		size_t j, count = 0;
		cairn_buf names = CAIRN_BUF_INIT;

		for (p = patch; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
			size_t len;

			nl = strchr(p, '\n');
			len = nl ? (size_t)(nl - p) : strlen(p);
			if (len && p[0] == '+' && strncmp(p, "+++", 3))
				destinations(p + 1, len - 1, added);
			else if (len && (p[0] == '-' || p[0] == ' ') && strncmp(p, "---", 3))
				destinations(p + 1, len - 1, removed);
			if (!nl)
				break;
		}
		evl = json_array();
		for (j = 0; j < json_array_size(added); j++) {
			const char *h = json_string_value(json_array_get(added, j));
			const char *line = NULL;

			if (has_str(removed, h) || has_str(jarr(f, "old_destinations"), h))
				continue;
			/* the added line holding it, as evidence */
			for (p = patch; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
				nl = strchr(p, '\n');
				if (p[0] == '+' && strncmp(p, "+++", 3)) {
					size_t len = nl ? (size_t)(nl - p) : strlen(p);
					char *l = cairn_strndup(p, len);

					if (strstr(l, h)) {
						cairn_buf_clear(&c->tmp2);
						cairn_buf_addstr(&c->tmp2, l);
						line = c->tmp2.data;
					}
					free(l);
					if (line)
						break;
				}
				if (!nl)
					break;
			}
			count++;
			cairn_buf_addf(&names, "%s%s", count > 1 ? ", " : "", h);
			json_array_append_new(evl, ev("source", "diff", "file", jstr(f, "path"),
						      "host", h, "text", line, "detail", "added line", NULL));
		}
		if (count) {
			c->install_script_changed = 1;
			if (!c->x01_evidence)
				c->x01_evidence = json_array();
			json_array_extend(c->x01_evidence, evl);
		}
		if (count)
			cairn_findings_add(c->out, &rules[R_D05], evl, "%s: new destination%s in added code: %s",
					   jstr_or(f, "path", "?"), count == 1 ? "" : "s", names.data);
		else
			json_decref(evl);
		cairn_buf_release(&names);
		json_decref(added);
		json_decref(removed);
	}
}

/* ------------------------------------------------------------ capture */

int cairn_rules_host_verdict(const cairn_rules_input *in, const json_t *h)
{
	const json_t *addrs = jarr(h, "addresses"), *names = jarr(h, "names");
	const json_t *allowed = json_object_get(h, "allowed");
	const char *v = jstr(h, "verdict");
	int names_ok, all_addrs, confirmed = 0, lie = 0;
	size_t j;

	if (!in->allow) {
		if (!json_is_boolean(allowed))
			return CAIRN_ALLOW_UNJUDGED;
		if (v && !strcmp(v, "allowed-unconfirmed"))
			return CAIRN_ALLOW_UNCONFIRMED;
		if (v && !strcmp(v, "contradicted"))
			return CAIRN_ALLOW_CONTRADICTED;
		return json_is_true(allowed) ? CAIRN_ALLOW_YES : CAIRN_ALLOW_NO;
	}
	if (!json_array_size(names) && !json_array_size(addrs) && jstr(h, "host"))
		return in->allow(in->allow_ctx, jstr(h, "host")) ? CAIRN_ALLOW_YES : CAIRN_ALLOW_NO;
	/* The capture's semantics (lib/capture.h): allowed when every name
	 * is allowed and none is contradicted, or every address is allowed;
	 * by names only claimed, "allowed (unconfirmed)". */
	names_ok = json_array_size(names) > 0;
	all_addrs = json_array_size(addrs) > 0;
	for (j = 0; j < json_array_size(names); j++) {
		const json_t *nm = json_array_get(names, j);
		const char *ev = jstr(nm, "evidence");

		if (!in->allow(in->allow_ctx, jstr_or(nm, "name", ""))) {
			names_ok = 0;
		} else if (ev && !strcmp(ev, "contradicted")) {
			names_ok = 0;
			lie = 1;
		}
		/* a capture JSON without evidence marks is taken as it was */
		if (!ev || !strcmp(ev, "confirmed"))
			confirmed = 1;
	}
	for (j = 0; j < json_array_size(addrs); j++) {
		const char *a = json_string_value(json_array_get(addrs, j));

		if (!a || !in->allow(in->allow_ctx, a))
			all_addrs = 0;
	}
	if (all_addrs)
		return CAIRN_ALLOW_YES;
	if (names_ok)
		return confirmed ? CAIRN_ALLOW_YES : CAIRN_ALLOW_UNCONFIRMED;
	return lie ? CAIRN_ALLOW_CONTRADICTED : CAIRN_ALLOW_NO;
}

int cairn_rules_host_allowed(const cairn_rules_input *in, const json_t *h)
{
	switch (cairn_rules_host_verdict(in, h)) {
	case CAIRN_ALLOW_UNJUDGED: return -1;
	case CAIRN_ALLOW_YES:
	case CAIRN_ALLOW_UNCONFIRMED: return 1;
	default: return 0;
	}
}

/* E02's evidence: each contradicted name, where DNS put it. */
static void contradicted_evidence(struct ctx *c, json_t *evl, const json_t *names)
{
	size_t j, k;

	for (j = 0; j < json_array_size(names); j++) {
		const json_t *nm = json_array_get(names, j), *da = jarr(nm, "dns_addresses");
		const char *evidence = jstr(nm, "evidence");

		if (!evidence || strcmp(evidence, "contradicted"))
			continue;
		cairn_buf_clear(&c->tmp2);
		cairn_buf_addstr(&c->tmp2, "claimed in ");
		for (k = 0; k < json_array_size(jarr(nm, "sources")); k++)
			cairn_buf_addf(&c->tmp2, "%s%s", k ? ", " : "",
				       json_string_value(json_array_get(jarr(nm, "sources"), k)));
		cairn_buf_addstr(&c->tmp2, "; the capture's DNS put it on");
		for (k = 0; k < json_array_size(da); k++)
			cairn_buf_addf(&c->tmp2, " %s", json_string_value(json_array_get(da, k)));
		json_array_append_new(evl, ev("source", "capture", "host", jstr(nm, "name"),
					      "detail", c->tmp2.data, NULL));
	}
}

/* E04 and E05 from the capture's resolvers and lookups. */
static void dns_rules(struct ctx *c, const json_t *cap)
{
	const json_t *res = jarr(cap, "resolvers"), *lk = jarr(cap, "lookups");
	size_t i, j;

	for (i = 0; i < json_array_size(res); i++) {
		const json_t *o = json_array_get(res, i), *asked = jarr(o, "asked");
		const char *addr = jstr(o, "address");
		json_t *evl;

		if (!addr || !json_is_true(json_object_get(o, "unusual")))
			continue;
		if (c->in->allow ? c->in->allow(c->in->allow_ctx, addr) :
		    json_is_true(json_object_get(o, "allowed")))
			continue;
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " quer%s for %" JSON_INTEGER_FORMAT
			       " name(s), first %s, last %s", jint(o, "queries", 0),
			       jint(o, "queries", 0) == 1 ? "y" : "ies", jint(o, "names", 0),
			       jstr_or(o, "first_seen", "?"), jstr_or(o, "last_seen", "?"));
		cairn_buf_clear(&c->tmp2);
		for (j = 0; j < json_array_size(asked); j++)
			cairn_buf_addf(&c->tmp2, "%s%s", j ? ", " : "asked: ",
				       json_string_value(json_array_get(asked, j)));
		evl = json_array();
		json_array_append_new(evl, ev("source", "capture", "host", addr,
					      "text", c->tmp2.len ? c->tmp2.data : NULL,
					      "detail", c->tmp.data, NULL));
		cairn_findings_add(c->out, &rules[R_E05], evl,
				   "DNS queries to %s, a resolver this host does not normally use", addr);
	}
	for (i = 0; i < json_array_size(lk); i++) {
		const json_t *l = json_array_get(lk, i), *sample = jarr(l, "sample");
		const char *dom = jstr(l, "domain");
		json_t *evl;

		if (!dom || !json_is_true(json_object_get(l, "tunnel")))
			continue;
		if (c->in->allow ? c->in->allow(c->in->allow_ctx, dom) :
		    json_is_true(json_object_get(l, "allowed")))
			continue;
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " distinct names, %" JSON_INTEGER_FORMAT
			       " within 60 s (%" JSON_INTEGER_FORMAT " with a label of 24+ characters), %"
			       JSON_INTEGER_FORMAT " lookups, first %s, last %s",
			       jint(l, "names", 0), jint(l, "peak_names_60s", 0),
			       jint(l, "peak_long_label_names_60s", 0), jint(l, "lookups", 0),
			       jstr_or(l, "first_seen", "?"), jstr_or(l, "last_seen", "?"));
		cairn_buf_clear(&c->tmp2);
		for (j = 0; j < json_array_size(sample); j++)
			cairn_buf_addf(&c->tmp2, "%s%s", j ? ", " : "first: ",
				       json_string_value(json_array_get(sample, j)));
		evl = json_array();
		json_array_append_new(evl, ev("source", "capture", "host", dom,
					      "text", c->tmp2.len ? c->tmp2.data : NULL,
					      "detail", c->tmp.data, NULL));
		cairn_findings_add(c->out, &rules[R_E04], evl,
				   "possible DNS tunnel: %" JSON_INTEGER_FORMAT " distinct names looked up "
				   "under %s", jint(l, "names", 0), dom);
	}
}

static void capture_rules(struct ctx *c, const json_t *cap)
{
	const json_t *totals = jarr(cap, "totals");
	json_t *unconfirmed = NULL;
	cairn_buf uhosts = CAIRN_BUF_INIT;
	size_t i, j, nunconfirmed = 0;

	for (i = 0; i < json_array_size(totals); i++) {
		const json_t *h = json_array_get(totals, i);
		const char *host = jstr(h, "host");
		const json_t *addrs = jarr(h, "addresses"), *names = jarr(h, "names");
		int ok;
		json_t *e, *evl;

		if (!host)
			continue;
		ok = cairn_rules_host_verdict(c->in, h);
		if (ok == CAIRN_ALLOW_UNJUDGED)
			continue;   /* no allowlist anywhere: nothing to judge */
		if (ok == CAIRN_ALLOW_UNCONFIRMED) {
			/* one informational finding for all of them */
			if (!unconfirmed)
				unconfirmed = json_array();
			cairn_buf_clear(&c->tmp2);
			for (j = 0; j < json_array_size(names); j++)
				cairn_buf_addf(&c->tmp2, "%s%s", j ? ", " : "name claimed by ",
					       jstr_or(json_array_get(names, j), "name", "?"));
			json_array_append_new(unconfirmed, ev("source", "capture", "host", host,
				"detail", c->tmp2.data, NULL));
			if (++nunconfirmed <= 3)
				cairn_buf_addf(&uhosts, "%s%s", nunconfirmed > 1 ? ", " : "", host);
			continue;
		}
		if (ok == CAIRN_ALLOW_YES)
			continue;
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " connection(s), %" JSON_INTEGER_FORMAT
			       " bytes out, %" JSON_INTEGER_FORMAT " bytes in, first %s, last %s",
			       jint(h, "connections", 0), jint(h, "bytes_out", 0), jint(h, "bytes_in", 0),
			       jstr_or(h, "first_seen", "?"), jstr_or(h, "last_seen", "?"));
		cairn_buf_clear(&c->tmp2);
		for (j = 0; j < json_array_size(addrs); j++)
			cairn_buf_addf(&c->tmp2, "%s%s", j ? " " : "",
				       json_string_value(json_array_get(addrs, j)));
		for (j = 0; j < json_array_size(jarr(h, "ports")); j++)
			cairn_buf_addf(&c->tmp2, "%s%s", c->tmp2.len ? " " : "",
				       json_string_value(json_array_get(jarr(h, "ports"), j)));
		e = ev("source", "capture", "host", host, "text", c->tmp2.len ? c->tmp2.data : NULL,
		       "detail", c->tmp.data, NULL);
		evl = json_array();
		json_array_append(evl, e);
		for (j = 0; j < json_array_size(names); j++) {
			const json_t *nm = json_array_get(names, j);
			const json_t *srcs = jarr(nm, "sources");
			size_t k;

			cairn_buf_clear(&c->tmp2);
			cairn_buf_addstr(&c->tmp2, "name from ");
			for (k = 0; k < json_array_size(srcs); k++)
				cairn_buf_addf(&c->tmp2, "%s%s", k ? ", " : "",
					       json_string_value(json_array_get(srcs, k)));
			json_array_append_new(evl, ev("source", "capture", "host", jstr(nm, "name"),
						      "detail", c->tmp2.data, NULL));
		}
		c->unknown_egress++;
		if (c->unknown_egress <= 3)
			cairn_buf_addf(&c->unknown_hosts, "%s%s", c->unknown_egress > 1 ? ", " : "", host);
		if (!c->x01_evidence)
			c->x01_evidence = json_array();
		json_array_append(c->x01_evidence, e);
		json_decref(e);
		if (ok == CAIRN_ALLOW_CONTRADICTED) {
			/* the name is on the allowlist: the lie is the finding */
			contradicted_evidence(c, evl, names);
			cairn_findings_add(c->out, &rules[R_E02], evl,
					   "connections to %s under an allowlisted name the capture's DNS "
					   "contradicts", host);
		} else {
			cairn_findings_add(c->out, &rules[R_E01], evl,
					   "outbound connections to %s, which is not on the allowlist", host);
		}
	}
	dns_rules(c, cap);
	if (json_is_true(json_object_get(cap, "local_only"))) {
		const json_t *lf = jarr(cap, "local_flows");
		json_t *evl = json_array();

		for (j = 0; j < json_array_size(lf) && j < MAX_EVIDENCE; j++) {
			const json_t *h = json_array_get(lf, j);

			cairn_buf_clear(&c->tmp);
			cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " connection(s), %" JSON_INTEGER_FORMAT
				       " bytes out, first %s", jint(h, "connections", 0),
				       jint(h, "bytes_out", 0), jstr_or(h, "first_seen", "?"));
			json_array_append_new(evl, ev("source", "capture", "host", jstr(h, "host"),
						      "detail", c->tmp.data, NULL));
		}
		cairn_findings_add(c->out, &rules[R_E06], evl,
				   "the capture is local-only: %zu flow%s between local addresses, "
				   "egress not examined", json_array_size(lf),
				   json_array_size(lf) == 1 ? "" : "s");
	}
	if (unconfirmed)
		cairn_findings_add(c->out, &rules[R_E03], unconfirmed,
				   "%zu host%s allowed only by names nothing in the capture confirms: %s%s",
				   nunconfirmed, nunconfirmed == 1 ? "" : "s", uhosts.data,
				   nunconfirmed > 3 ? ", ..." : "");
	cairn_buf_release(&uhosts);
}

/* How long after its last untouched file an install may still have
 * written a package's files. */
#define INSTALL_WINDOW_NS 1000000000LL

/* T01 in the snapshot alone: a package file that differs from the
 * published bytes with an mtime within the install (no later than its
 * untouched siblings' plus INSTALL_WINDOW_NS) and a ctime after it
 * (docs/RECORDS.md §Package file times).  Files the baseline part
 * already named (seen) are skipped. */
static void forged_package_times(struct ctx *c, const json_t *records, const json_t *seen)
{
	size_t i, j, count = 0, dropped = 0;
	json_t *evl = json_array();
	cairn_buf names = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const json_t *ft = jobj(r, "file_times"), *others = jobj(ft, "others");
		const char *mmax = jstr(others, "mtime_max"), *cmax = jstr(others, "ctime_max");
		int64_t mmax_ns, cmax_ns;

		if (!type_is(r, "package") || !mmax || !cmax ||
		    cairn_rfc3339_parse_ns(&mmax_ns, mmax) < 0 ||
		    cairn_rfc3339_parse_ns(&cmax_ns, cmax) < 0)
			continue;
		for (j = 0; j < json_array_size(jarr(ft, "changed")); j++) {
			const json_t *x = json_array_get(jarr(ft, "changed"), j);
			const char *mt = jstr(x, "mtime"), *ct = jstr(x, "ctime"), *rel = jstr(x, "path");
			int64_t m, t;

			/* an install writes a package's files within moments, each
			 * with ctime == mtime; a later write moves both, so a file
			 * whose mtime is still the install's while its inode
			 * changed well after had its mtime put back */
			if (!mt || !ct || !rel || cairn_rfc3339_parse_ns(&m, mt) < 0 ||
			    cairn_rfc3339_parse_ns(&t, ct) < 0 || m > mmax_ns + INSTALL_WINDOW_NS ||
			    t <= (mmax_ns > cmax_ns ? mmax_ns : cmax_ns) + INSTALL_WINDOW_NS)
				continue;
			if (!strcmp(jstr_or(r, "ecosystem", ""), "pypi"))
				project_file(&c->tmp, jstr(r, "project"), rel);
			else {
				pkg_dir(&c->tmp, r);
				cairn_buf_addch(&c->tmp, '/');
				cairn_buf_addstr(&c->tmp, rel);
			}
			if (has_str(seen, c->tmp.data))
				continue;
			count++;
			if (count <= 3)
				cairn_buf_addf(&names, "%s%s", count > 1 ? ", " : "", c->tmp.data);
			cairn_buf_clear(&c->tmp2);
			cairn_buf_addf(&c->tmp2, "%s, differs from the published package: mtime %s, "
				       "that of the install (the package's %" JSON_INTEGER_FORMAT
				       " untouched files: mtime up to %s, ctime up to %s); ctime %s, later",
				       jstr_or(x, "change", "changed"), mt, jint(others, "files", 0),
				       mmax, cmax, ct);
			ev_add(evl, ev("source", "snapshot", "file", c->tmp.data, "package", pkg_label(r),
				       "version", jstr(r, "version"), "detail", c->tmp2.data, NULL),
			       &dropped);
		}
	}
	if (count) {
		ev_close(evl, dropped);
		cairn_findings_add(c->out, &rules[R_T01], evl,
				   "%zu package file%s differ%s from the published bytes with the install's "
				   "mtime kept: %s%s", count, count == 1 ? "" : "s", count == 1 ? "s" : "",
				   names.data, count > 3 ? ", ..." : "");
	} else {
		json_decref(evl);
	}
	cairn_buf_release(&names);
}

/* T01 over the content changes whose mtime contradicts them
 * (lib/changetime.h); the paths it names go to seen. */
static void forged_times(struct ctx *c, const json_t *diff, json_t *seen)
{
	cairn_change_time *t = NULL;
	size_t i, n = 0, count = 0, dropped = 0;
	int64_t base_ns = 0;
	json_t *evl = json_array();
	cairn_buf names = CAIRN_BUF_INIT;

	cairn_change_times(&t, &n, diff, &base_ns, NULL);
	for (i = 0; i < n; i++) {
		char mt[CAIRN_RFC3339_MAX], ct[CAIRN_RFC3339_MAX], bt[CAIRN_RFC3339_MAX];

		if (!t[i].forged)
			continue;
		count++;
		json_array_append_new(seen, json_string(t[i].path));
		if (count <= 3)
			cairn_buf_addf(&names, "%s%s", count > 1 ? ", " : "", t[i].path);
		cairn_rfc3339_format(mt, sizeof(mt), t[i].mtime_ns / 1000000000,
				     (long)(t[i].mtime_ns % 1000000000));
		cairn_rfc3339_format(ct, sizeof(ct), t[i].ctime_ns / 1000000000,
				     (long)(t[i].ctime_ns % 1000000000));
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%s: content changed after the baseline", cairn_forged_name(t[i].forged));
		if (base_ns) {
			cairn_rfc3339_format(bt, sizeof(bt), base_ns / 1000000000,
					     (long)(base_ns % 1000000000));
			cairn_buf_addf(&c->tmp, " (%s)", bt);
		}
		cairn_buf_addf(&c->tmp, ", mtime %s, ctime %s", mt, ct);
		ev_add(evl, ev("source", "diff", "file", t[i].path, "detail", c->tmp.data, NULL),
		       &dropped);
	}
	if (count) {
		ev_close(evl, dropped);
		cairn_findings_add(c->out, &rules[R_T01], evl,
				   "%zu file%s changed after the baseline with a forged mtime: %s%s",
				   count, count == 1 ? "" : "s", names.data, count > 3 ? ", ..." : "");
	} else {
		json_decref(evl);
	}
	cairn_buf_release(&names);
	free(t);
}

/* ------------------------------------------------------------ persistence */

/* Path component at the start or after a '/'. */
static const char *path_comp(const char *path, const char *comp)
{
	size_t n = strlen(comp);
	const char *p = path;

	while ((p = strstr(p, comp))) {
		if ((p == path || p[-1] == '/') && (p[n] == '/' || !p[n]))
			return p;
		p++;
	}
	return NULL;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* The persistence place of path, or NULL; *high for the ones that run
 * code by themselves. */
static const char *persist_place(const char *path, int added, int *high)
{
	const char *base = strrchr(path, '/'), *p;

	base = base ? base + 1 : path;
	*high = 0;
	if (ends_with(base, ".pth") && (path_comp(path, "site-packages") ||
					path_comp(path, "dist-packages"))) {
		*high = 1;
		return "a .pth file in site-packages: Python runs its import lines at every start";
	}
	if (path_comp(path, "node_modules"))
		return NULL;
	if ((p = path_comp(path, ".claude")) && strchr(p, '/') == p + 7 &&
	    (!strcmp(p + 8, "settings.json") || !strcmp(p + 8, "settings.local.json")))
		return "Claude Code settings: hooks there run commands";
	if ((p = path_comp(path, ".vscode")) && !strcmp(p + 7, "/tasks.json"))
		return "VS Code tasks: a task with runOn folderOpen runs when the folder opens";
	if ((p = path_comp(path, ".github")) && !strncmp(p + 7, "/workflows/", 11) &&
	    !strchr(p + 18, '/') && (ends_with(base, ".yml") || ends_with(base, ".yaml"))) {
		*high = added;
		return added ? "a new CI workflow: it runs with the repository's secrets"
			     : "a CI workflow changed: it runs with the repository's secrets";
	}
	if (!strcmp(base, ".npmrc"))
		return "npm config: registry and _authToken lines redirect installs or hold a token";
	return NULL;
}

/* The url of key in a registry_config's registries, or NULL. */
static const char *registry_of(const json_t *rec, const char *key)
{
	const json_t *l = jarr(rec, "registries");
	size_t i;

	for (i = 0; i < json_array_size(l); i++)
		if (!strcmp(jstr_or(json_array_get(l, i), "key", ""), key))
			return jstr(json_array_get(l, i), "url");
	return NULL;
}

static const json_t *token_of(const json_t *rec, const char *key)
{
	const json_t *l = jarr(rec, "tokens");
	size_t i;

	for (i = 0; i < json_array_size(l); i++)
		if (!strcmp(jstr_or(json_array_get(l, i), "key", ""), key))
			return json_array_get(l, i);
	return NULL;
}

static int folder_open(const json_t *task)
{
	return task && !strcmp(jstr_or(task, "run_on", ""), "folderOpen");
}

/*
 * What the parsed places say changed (docs/RECORDS.md registry_config,
 * vscode_task): a registry added or pointed elsewhere, a token added or
 * replaced (by key and keyed hash; never a value), a task that runs when
 * the folder opens.  Items go to evl; *count, *high and names as in
 * persistence(); explained (an object used as a set) gets the config
 * paths they explain, whose file-level item is then left out.
 */
static void persist_records(struct ctx *c, const json_t *recs, json_t *evl, size_t *dropped,
			    size_t *count, int *high, cairn_buf *names, json_t *explained)
{
	size_t i, k;

	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rc = json_array_get(recs, i), *new = json_object_get(rc, "new");
		const json_t *old = json_object_get(rc, "old");
		const char *type = jstr_or(rc, "type", ""), *cfg;
		int change = cairn_rec_change_parse(jstr(rc, "change"));
		size_t before = json_array_size(evl) + *dropped;

		if ((change != CAIRN_RC_ADDED && change != CAIRN_RC_CHANGED) || !json_is_object(new))
			continue;
		if (change != CAIRN_RC_CHANGED)
			old = NULL;
		cfg = jstr_or(new, "config", "?");
		if (!strcmp(type, "vscode_task")) {
			if (!folder_open(new) || (folder_open(old) &&
			    json_equal(json_object_get(old, "command"), json_object_get(new, "command")) &&
			    json_equal(json_object_get(old, "args"), json_object_get(new, "args"))))
				continue;
			*high = 1;
			cairn_buf_clear(&c->tmp);
			cairn_buf_addf(&c->tmp, "%s: task %s runs when the folder opens",
				       !old ? "folder-open task added" : folder_open(old) ?
				       "folder-open task's command changed" : "task made to run on folder open",
				       jstr_or(new, "task", "?"));
			cairn_buf_clear(&c->tmp2);
			cairn_buf_addstr(&c->tmp2, jstr_or(new, "command", ""));
			for (k = 0; k < json_array_size(jarr(new, "args")); k++)
				cairn_buf_addf(&c->tmp2, " %s",
					       json_string_value(json_array_get(jarr(new, "args"), k)) ?
					       json_string_value(json_array_get(jarr(new, "args"), k)) : "?");
			ev_add(evl, ev("source", "diff", "file", cfg, "detail", c->tmp.data,
				       "text", c->tmp2.data, NULL), dropped);
		} else if (!strcmp(type, "registry_config")) {
			const json_t *l = jarr(new, "registries");

			for (k = 0; k < json_array_size(l); k++) {
				const char *key = jstr_or(json_array_get(l, k), "key", "?");
				const char *url = jstr_or(json_array_get(l, k), "url", "?");
				const char *was = old ? registry_of(old, key) : NULL;

				if (was && !strcmp(was, url))
					continue;
				cairn_buf_clear(&c->tmp);
				if (was) {
					*high = 1;
					cairn_buf_addf(&c->tmp, "registry changed: %s was %s, now %s", key, was, url);
				} else {
					cairn_buf_addf(&c->tmp, "registry added: %s = %s", key, url);
				}
				ev_add(evl, ev("source", "diff", "file", cfg, "detail", c->tmp.data, NULL), dropped);
			}
			l = jarr(new, "tokens");
			for (k = 0; k < json_array_size(l); k++) {
				const json_t *t = json_array_get(l, k);
				const char *key = jstr_or(t, "key", "?");
				const json_t *was = old ? token_of(old, key) : NULL;

				if (was && jstr(was, "hmac_sha256") &&
				    !strcmp(jstr_or(was, "hmac_sha256", ""), jstr_or(t, "hmac_sha256", "-")))
					continue;
				if (was && !jstr(was, "hmac_sha256") && jint(was, "length", -1) == jint(t, "length", -2))
					continue;   /* no key: nothing tells the values apart */
				cairn_buf_clear(&c->tmp);
				cairn_buf_addf(&c->tmp, "%s: %s (a value of length %" JSON_INTEGER_FORMAT
					       "; its keyed hash is in the snapshot)",
					       was ? "token changed" : "token added", key, jint(t, "length", 0));
				ev_add(evl, ev("source", "diff", "file", cfg, "detail", c->tmp.data, NULL), dropped);
			}
		} else {
			continue;
		}
		if (json_array_size(evl) + *dropped == before)
			continue;
		if (!json_object_get(explained, cfg)) {
			json_object_set_new(explained, cfg, json_true());
			if (++*count <= 3)
				cairn_buf_addf(names, "%s%s", *count > 1 ? ", " : "", cfg);
		}
	}
}

static void persistence(struct ctx *c, const json_t *diff)
{
	const json_t *changes = jarr(diff, "changes"), *recs = jarr(diff, "records");
	json_t *evl = json_array(), *explained = json_object(), *revl = json_array();
	size_t i, count = 0, dropped = 0, rdropped = 0;
	int high = 0;
	cairn_buf names = CAIRN_BUF_INIT;

	persist_records(c, recs, revl, &rdropped, &count, &high, &names, explained);
	for (i = 0; i < json_array_size(changes); i++) {
		const json_t *ch = json_array_get(changes, i);
		const char *path = jstr(ch, "path"), *kind = jstr(ch, "change"), *why;
		int k = cairn_diff_kind_parse(kind), h;

		if (!path || !kind || (k != CAIRN_DIFF_ADDED && k != CAIRN_DIFF_MODIFIED))
			continue;
		if (strcmp(jstr_or(json_object_get(ch, "new"), "kind", "file"), "file"))
			continue;
		if (k == CAIRN_DIFF_MODIFIED && !has_str(jarr(ch, "what"), "content"))
			continue;
		if (!(why = persist_place(path, k == CAIRN_DIFF_ADDED, &h)))
			continue;
		if (json_object_get(explained, path))
			continue;   /* said more precisely by its records, below */
		high |= h;
		if (++count <= 3)
			cairn_buf_addf(&names, "%s%s", count > 1 ? ", " : "", path);
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%s: %s", kind, why);
		ev_add(evl, ev("source", "diff", "file", path, "detail", c->tmp.data, NULL), &dropped);
	}
	json_array_extend(evl, revl);
	dropped += rdropped;
	json_decref(revl);
	json_decref(explained);
	/* what the snapshots parsed: a hook command, an MCP server */
	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rc = json_array_get(recs, i), *new = json_object_get(rc, "new");
		const char *type = jstr_or(rc, "type", "");
		int change = cairn_rec_change_parse(jstr(rc, "change"));

		if (change != CAIRN_RC_ADDED || !json_is_object(new))
			continue;
		if (!strcmp(type, "claude_hook")) {
			high = 1;
			cairn_buf_clear(&c->tmp);
			cairn_buf_addf(&c->tmp, "new %s hook: runs this command", jstr_or(new, "event", "?"));
			ev_add(evl, ev("source", "diff", "file", jstr_or(new, "config", "?"),
				       "detail", c->tmp.data, "text", jstr(new, "command"), NULL), &dropped);
		} else if (!strcmp(type, "mcp_server")) {
			cairn_buf_clear(&c->tmp);
			cairn_buf_addf(&c->tmp, "new MCP server %s: runs with the agent's rights",
				       jstr_or(new, "server", "?"));
			ev_add(evl, ev("source", "diff", "file", jstr_or(new, "config", "?"),
				       "detail", c->tmp.data, NULL), &dropped);
		} else {
			continue;
		}
		if (++count <= 3)
			cairn_buf_addf(&names, "%s%s", count > 1 ? ", " : "",
				       jstr_or(new, "config", "?"));
	}
	if (count) {
		cairn_finding *f;

		ev_close(evl, dropped);
		f = cairn_findings_add(c->out, &rules[R_D06], evl,
				       "%zu change%s since the baseline where code persists: %s%s",
				       count, count == 1 ? "" : "s", names.data, count > 3 ? ", ..." : "");
		if (high)
			f->severity = CAIRN_SEV_HIGH;
	} else {
		json_decref(evl);
	}
	cairn_buf_release(&names);
}

/* ------------------------------------------------------------ agent logs */

/* "server/tool" (escaped later by the renderers) */
static const char *tool_label(cairn_buf *b, const char *server, const char *tool)
{
	cairn_buf_clear(b);
	cairn_buf_addf(b, "%s/%s", server ? server : "?", tool ? tool : "?");
	return b->data;
}

static const char *dir_words(const char *d)
{
	return d && !strcmp(d, "result") ? "result" : "arguments";
}

static void agent_tools(struct ctx *c, const json_t *servers)
{
	size_t i, j;
	cairn_buf lab = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(servers); i++) {
		const json_t *s = json_array_get(servers, i);
		const json_t *tools = jarr(s, "tools");

		for (j = 0; j < json_array_size(tools); j++) {
			const json_t *t = json_array_get(tools, j);
			json_int_t calls = jint(t, "calls", 0);

			if (!json_is_false(json_object_get(t, "expected")) || !calls)
				continue;
			tool_label(&lab, jstr(s, "server"), jstr(t, "name"));
			cairn_buf_clear(&c->tmp);
			cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " call%s, %" JSON_INTEGER_FORMAT
				       " error%s, first %s, last %s", calls, calls == 1 ? "" : "s",
				       jint(t, "errors", 0), jint(t, "errors", 0) == 1 ? "" : "s",
				       jstr_or(t, "first_call", "?"), jstr_or(t, "last_call", "?"));
			cairn_findings_add(c->out, &rules[R_A01],
					   json_pack("[o]", ev("source", "capture", "tool", lab.data,
							       "time", jstr(t, "first_call"),
							       "detail", c->tmp.data, NULL)),
					   "%s was called %" JSON_INTEGER_FORMAT " time%s, and it is not on "
					   "the expected tools", lab.data, calls, calls == 1 ? "" : "s");
		}
	}
	cairn_buf_release(&lab);
}

static void agent_changes(struct ctx *c, const json_t *changes)
{
	size_t i;
	cairn_buf lab = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(changes); i++) {
		const json_t *ch = json_array_get(changes, i);
		const char *od = jstr(ch, "old_description_sha256"), *nd = jstr(ch, "new_description_sha256");
		const char *os = jstr(ch, "old_input_schema_sha256"), *ns = jstr(ch, "new_input_schema_sha256");
		int dchg = strcmp(od ? od : "", nd ? nd : "") != 0;
		int schg = strcmp(os ? os : "", ns ? ns : "");

		tool_label(&lab, jstr(ch, "server"), jstr(ch, "name"));
		cairn_buf_clear(&c->tmp);
		if (dchg)
			cairn_buf_addf(&c->tmp, "description sha256 %s -> %s", od ? od : "(none)", nd ? nd : "(none)");
		if (schg)
			cairn_buf_addf(&c->tmp, "%sinput schema sha256 %s -> %s", dchg ? "; " : "",
				       os ? os : "(none)", ns ? ns : "(none)");
		cairn_findings_add(c->out, &rules[R_A02],
				   json_pack("[o]", ev("source", "capture", "tool", lab.data,
						       "time", jstr(ch, "time"), "text", jstr(ch, "description_diff"),
						       "detail", c->tmp.data, NULL)),
				   "%s %s changed its %s%s%s at %s", jstr_or(ch, "kind", "tool"), lab.data,
				   dchg ? "description" : "", dchg && schg ? " and " : "",
				   schg ? "input schema" : "", jstr_or(ch, "time", "an unknown time"));
	}
	cairn_buf_release(&lab);
}

/* One finding per listed version whose texts hit the rules. */
static void agent_suspicious(struct ctx *c, const json_t *servers)
{
	static const char *const lists[] = { "tools", "prompts", "resources", "instructions" };
	size_t i, l, j, k, h;
	cairn_buf lab = CAIRN_BUF_INIT, rl = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(servers); i++) {
		const json_t *s = json_array_get(servers, i);

		for (l = 0; l < 4; l++) {
			const json_t *items = jarr(s, lists[l]);

			for (j = 0; j < json_array_size(items); j++) {
				const json_t *it = json_array_get(items, j), *vs = jarr(it, "versions");

				for (k = 0; k < json_array_size(vs); k++) {
					const json_t *v = json_array_get(vs, k), *hits = jarr(v, "suspicious");
					json_t *evl;
					size_t dropped = 0;

					if (!json_array_size(hits))
						continue;
					tool_label(&lab, jstr(s, "server"), l == 3 ? "(instructions)" : jstr(it, "name"));
					cairn_buf_clear(&rl);
					evl = json_array();
					for (h = 0; h < json_array_size(hits); h++) {
						const json_t *x = json_array_get(hits, h);

						if (!strstr(rl.data ? rl.data : "", jstr_or(x, "rule", "?")))
							cairn_buf_addf(&rl, "%s%s", rl.len ? ", " : "", jstr_or(x, "rule", "?"));
						cairn_buf_clear(&c->tmp);
						cairn_buf_addf(&c->tmp, "%s in %s at byte %" JSON_INTEGER_FORMAT,
							       jstr_or(x, "rule", "?"), jstr_or(x, "where", "?"),
							       jint(x, "offset", 0));
						ev_add(evl, ev("source", "capture", "tool", lab.data,
							       "time", jstr(v, "first_seen"), "text", jstr(x, "excerpt"),
							       "detail", c->tmp.data, NULL), &dropped);
					}
					ev_close(evl, dropped);
					cairn_findings_add(c->out, &rules[R_A03], evl,
							   "%s %s%s: its description speaks to the model (%s)",
							   l == 0 ? "tool" : l == 1 ? "prompt" : l == 2 ? "resource" : "server",
							   lab.data, json_array_size(vs) > 1 ? " (a later version)" : "",
							   rl.data);
				}
			}
		}
	}
	cairn_buf_release(&lab);
	cairn_buf_release(&rl);
}

/* One finding per secret value (the same HMAC), with every place it was
 * seen as evidence: the earliest (secrets come sorted by time) names it. */
/* Give the findings listed in made ([{index, length, hmac}]) that share
 * a title the value's length (pass 0) or keyed hash (pass 1). */
static void unique_titles(struct ctx *c, const json_t *made, int pass)
{
	json_t *count = json_object();
	size_t i;

	for (i = 0; i < json_array_size(made); i++) {
		const cairn_finding *f = &c->out->items[jint(json_array_get(made, i), "index", 0)];

		json_object_set_new(count, f->title,
				    json_integer(jint(count, f->title, 0) + 1));
	}
	for (i = 0; i < json_array_size(made); i++) {
		const json_t *m = json_array_get(made, i);
		cairn_finding *f = &c->out->items[jint(m, "index", 0)];

		if (jint(count, f->title, 0) < 2)
			continue;
		cairn_buf_clear(&c->tmp);
		if (pass == 0)
			cairn_buf_addf(&c->tmp, "%s; value of length %" JSON_INTEGER_FORMAT, f->title,
				       jint(m, "length", 0));
		else
			cairn_buf_addf(&c->tmp, "%s, HMAC %.16s", f->title, jstr_or(m, "hmac", "none"));
		free(f->title);
		f->title = cairn_strdup(c->tmp.data);
	}
	json_decref(count);
}

static void agent_secrets(struct ctx *c, const json_t *secrets)
{
	json_t *groups = json_object(), *order = json_array(), *titles = json_array();
	size_t i, k, g;
	cairn_buf lab = CAIRN_BUF_INIT, rl = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(secrets); i++) {
		const char *h = jstr(json_array_get(secrets, i), "hmac_sha256");
		char key[32];
		json_t *list;

		if (!h) {
			/* without a key values cannot be told apart: one each */
			snprintf(key, sizeof(key), "#%zu", i);
			h = key;
		}
		list = json_object_get(groups, h);
		if (!list) {
			list = json_array();
			json_object_set_new(groups, h, list);
			json_array_append(order, list);
		}
		json_array_append_new(list, json_integer((json_int_t)i));
	}
	for (g = 0; g < json_array_size(order); g++) {
		const json_t *list = json_array_get(order, g);
		const json_t *s = json_array_get(secrets, (size_t)json_integer_value(json_array_get(list, 0)));
		const char *snap = NULL, *first = NULL;
		size_t dropped = 0, places = json_array_size(list);
		json_t *evl = json_array();
		cairn_finding *f;

		for (i = 0; i < places; i++) {
			const json_t *x = json_array_get(secrets, (size_t)json_integer_value(json_array_get(list, i)));
			const json_t *rs = jarr(x, "rules");

			cairn_buf_clear(&rl);
			for (k = 0; k < json_array_size(rs); k++) {
				const char *r = json_string_value(json_array_get(rs, k));

				if (!r)
					continue;
				if (!strncmp(r, "snapshot:", 9) && !snap)
					snap = r + 9;
				if (!first)
					first = r;
				cairn_buf_addf(&rl, "%s%s", rl.len ? ", " : "", r);
			}
			tool_label(&lab, jstr(x, "server"), jstr(x, "tool"));
			cairn_buf_clear(&c->tmp);
			cairn_buf_addf(&c->tmp, "%s at %s; rules %s; length %" JSON_INTEGER_FORMAT
				       "; HMAC-SHA256 %s; seen in %" JSON_INTEGER_FORMAT " message%s",
				       dir_words(jstr(x, "direction")), jstr_or(x, "where", "?"),
				       rl.len ? rl.data : "?", jint(x, "length", 0),
				       jstr_or(x, "hmac_sha256", "none (no key)"), jint(x, "count", 1),
				       jint(x, "count", 1) == 1 ? "" : "s");
			ev_add(evl, ev("source", "capture", "tool", lab.data, "time", jstr(x, "first_seen"),
				       "detail", c->tmp.data, NULL), &dropped);
		}
		ev_close(evl, dropped);
		tool_label(&lab, jstr(s, "server"), jstr(s, "tool"));
		/* what tells this secret from the others in one message: the
		 * name it was under and the place (two values of one file read
		 * by one tool would otherwise read the same) */
		cairn_buf_clear(&rl);
		if (jstr(s, "name"))
			cairn_buf_addf(&rl, "%s: ", jstr(s, "name"));
		cairn_buf_addstr(&rl, first ? first : "?");
		cairn_buf_clear(&c->tmp);
		{
			const char *wh = jstr_or(s, "where", "?");

			cairn_buf_addf(&c->tmp, " (%.*s%s)", (int)(strlen(wh) > 120 ? 120 : strlen(wh)), wh,
				       strlen(wh) > 120 ? "..." : "");
		}
		if (places > 1)
			cairn_buf_addf(&c->tmp, ", and %zu more place%s", places - 1, places == 2 ? "" : "s");
		if (snap)
			f = cairn_findings_add(c->out, &rules[R_A04], evl,
					       "the value of %s appeared in the %s of %s at %s%s", snap,
					       dir_words(jstr(s, "direction")), lab.data,
					       jstr_or(s, "first_seen", "an unknown time"), c->tmp.data);
		else
			f = cairn_findings_add(c->out, &rules[R_A04], evl,
					       "a secret (%s) in the %s of %s at %s%s", rl.data,
					       dir_words(jstr(s, "direction")), lab.data,
					       jstr_or(s, "first_seen", "an unknown time"), c->tmp.data);
		/* a secret the snapshot holds, seen in the traffic: proven, not
		 * a look-alike */
		if (snap && f)
			f->severity = CAIRN_SEV_CRITICAL;
		if (f) {
			json_t *m = json_object();

			json_object_set_new(m, "index", json_integer((json_int_t)(c->out->count - 1)));
			json_object_set_new(m, "length", json_integer(jint(s, "length", 0)));
			json_object_set_new(m, "hmac", json_string(jstr_or(s, "hmac_sha256", "none")));
			json_array_append_new(titles, m);
		}
	}
	/* two values under one name in one place (a file listing a key
	 * twice) would read the same: such titles say the value's length,
	 * and when that is the same too its keyed hash (never the value) */
	unique_titles(c, titles, 0);
	unique_titles(c, titles, 1);
	json_decref(titles);
	json_decref(groups);
	json_decref(order);
	cairn_buf_release(&lab);
	cairn_buf_release(&rl);
}

static void agent_hosts(struct ctx *c, const json_t *hosts)
{
	size_t i;
	cairn_buf lab = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(hosts); i++) {
		const json_t *h = json_array_get(hosts, i);
		const char *host = jstr(h, "host");
		int ok;

		if (!host || strcmp(jstr_or(h, "direction", ""), "arguments"))
			continue;
		if (c->in->allow)
			ok = c->in->allow(c->in->allow_ctx, host) ? 1 : 0;
		else if (json_is_boolean(json_object_get(h, "allowed")))
			ok = json_is_true(json_object_get(h, "allowed"));
		else
			continue;   /* no allowlist: nothing to judge */
		if (ok)
			continue;
		tool_label(&lab, jstr(h, "server"), jstr(h, "tool"));
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%s in call arguments, %" JSON_INTEGER_FORMAT " call%s, first %s, last %s",
			       !strcmp(jstr_or(h, "kind", ""), "email-domain") ? "e-mail domain" :
			       !strcmp(jstr_or(h, "kind", ""), "address") ? "address" : "host name",
			       jint(h, "count", 1), jint(h, "count", 1) == 1 ? "" : "s",
			       jstr_or(h, "first_seen", "?"), jstr_or(h, "last_seen", "?"));
		cairn_findings_add(c->out, &rules[R_A05],
				   json_pack("[o]", ev("source", "capture", "host", host, "tool", lab.data,
						       "time", jstr(h, "first_seen"), "detail", c->tmp.data, NULL)),
				   "%s was given %s, which is not on the allowlist", lab.data, host);
	}
	cairn_buf_release(&lab);
}

/* What the logs could not say: each gap names the step that closes it. */
static void agent_gaps(struct ctx *c, const json_t *ag)
{
	const json_t *files = jarr(ag, "files"), *st = jobj(ag, "stats");
	const json_t *sm = json_object_get(ag, "snapshot_match");
	json_t *evl = json_array();
	size_t i, dropped = 0;

	for (i = 0; i < json_array_size(files); i++) {
		const json_t *f = json_array_get(files, i);

		cairn_buf_clear(&c->tmp);
		if (jint(f, "malformed", 0) || jint(f, "oversized", 0))
			cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " line%s could not be read (%" JSON_INTEGER_FORMAT
				       " not JSON or not UTF-8, %" JSON_INTEGER_FORMAT " over the line limit); ",
				       jint(f, "malformed", 0) + jint(f, "oversized", 0),
				       jint(f, "malformed", 0) + jint(f, "oversized", 0) == 1 ? "" : "s",
				       jint(f, "malformed", 0), jint(f, "oversized", 0));
		if (jtrue(f, "cut_last_line"))
			cairn_buf_addstr(&c->tmp, "the last line is cut (the file was copied while written, "
					 "or cut short); ");
		if (jint(f, "unbodied", 0))
			cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " messages were logged without their "
				       "content (newer Claude Desktop): tool names and arguments are not in "
				       "this log, use a proxy log or the Claude Code transcript; ",
				       jint(f, "unbodied", 0));
		if (jint(f, "untimed", 0))
			cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " messages have no time (bare JSON-RPC): "
				       "they are in no window and not on the timeline; record with a "
				       "timestamp; ", jint(f, "untimed", 0));
		if (!c->tmp.len)
			continue;
		c->tmp.data[c->tmp.len - 2] = '\0';
		ev_add(evl, ev("source", "capture", "file", jstr(f, "file"), "detail", c->tmp.data, NULL),
		       &dropped);
	}
	if (jint(st, "dropped", 0)) {
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "%" JSON_INTEGER_FORMAT " entries were left out when a table reached "
			       "its cap (docs/cairn-capture.1); split the logs by time", jint(st, "dropped", 0));
		ev_add(evl, ev("source", "capture", "detail", c->tmp.data, NULL), &dropped);
	}
	if (json_is_object(sm) && jstr(sm, "refused"))
		ev_add(evl, ev("source", "capture", "detail", jstr(sm, "refused"), NULL), &dropped);
	if (!json_is_true(json_object_get(ag, "hmac_key")) && json_array_size(jarr(ag, "secrets")))
		ev_add(evl, ev("source", "capture", "detail", "no env key: the secrets found carry no HMAC, "
			       "so they cannot be compared with a snapshot's; give --env-key", NULL), &dropped);
	ev_close(evl, dropped);
	if (json_array_size(evl))
		cairn_findings_add(c->out, &rules[R_A06], evl,
				   "the agent logs could not be read whole: %zu gap%s in what they show",
				   json_array_size(evl), json_array_size(evl) == 1 ? "" : "s");
	else
		json_decref(evl);
}

static void agent_rules(struct ctx *c, const json_t *ag)
{
	agent_tools(c, jarr(ag, "servers"));
	agent_changes(c, jarr(ag, "manifest_changes"));
	agent_suspicious(c, jarr(ag, "servers"));
	agent_secrets(c, jarr(ag, "secrets"));
	agent_hosts(c, jarr(ag, "hosts"));
	agent_gaps(c, ag);
}

int cairn_rules_eval(cairn_findings *out, const cairn_rules_input *in)
{
	struct ctx c;
	size_t before = out->count;

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.in = in;
	cairn_buf_init(&c.tmp);
	cairn_buf_init(&c.tmp2);
	cairn_buf_grow(&c.tmp, 0);
	cairn_buf_grow(&c.tmp2, 0);
	cairn_buf_init(&c.unknown_hosts);
	cairn_buf_init(&c.top_path);
	cairn_buf_init(&c.top_spec);
	cairn_buf_grow(&c.unknown_hosts, 0);
	if (json_is_array(in->records))
		posture(&c, in->records);
	{
		json_t *seen = json_array();

		if (json_is_object(in->diff)) {
			diff_rules(&c, in->diff);
			forged_times(&c, in->diff, seen);
			persistence(&c, in->diff);
		}
		if (json_is_array(in->records))
			forged_package_times(&c, in->records, seen);
		json_decref(seen);
	}
	if (json_is_array(in->patches))
		new_destinations(&c, in->patches);
	if (json_is_object(in->capture))
		capture_rules(&c, in->capture);
	if (json_is_object(in->capture) && json_is_object(json_object_get(in->capture, "agent")))
		agent_rules(&c, json_object_get(in->capture, "agent"));
	if (c.install_script_changed && c.unknown_egress)
		cairn_findings_add(out, &rules[R_X01], json_incref(c.x01_evidence),
				   "new install-time code, and data sent to %s%s outside the allowlist",
				   c.unknown_hosts.data, c.unknown_egress > 3 ? ", ..." : "");
	json_decref(c.x01_evidence);
	cairn_buf_release(&c.tmp);
	cairn_buf_release(&c.tmp2);
	cairn_buf_release(&c.unknown_hosts);
	cairn_buf_release(&c.top_path);
	cairn_buf_release(&c.top_spec);
	cairn_findings_sort(out);
	return (int)(out->count - before);
}
