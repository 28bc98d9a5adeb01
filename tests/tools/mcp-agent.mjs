// mcp-agent.mjs - a minimal MCP client playing the agent, for the test
// fixtures of cairn-capture's agent-log reader (tests/tools/mcp-record.sh).
//
// It starts real MCP servers over stdio, speaks JSON-RPC 2.0 to them the
// way a client does (initialize, tools/list, prompts/list, resources/list,
// tools/call, a second tools/list after notifications/tools/list_changed),
// and writes every message it sent or received, byte for byte as it went
// over the pipe, in the three shapes cairn reads:
//   claude-desktop/mcp.log, claude-desktop/mcp-server-<name>.log
//   claude-code/<session>.jsonl        (tool_use / tool_result blocks)
//   jsonrpc/<name>.ndjson              (the wire, one message a line)
//   jsonrpc/wrapped.ndjson             ({"timestamp","direction","server","message"})
//
// Times: the session is spread over a fixed schedule (phase offsets from
// 2026-03-02T08:00:00Z plus the real milliseconds each phase took), so
// that calls fall in different 5-minute windows as they do in a real
// session; the messages themselves are the servers' real ones.
//
// usage: node mcp-agent.mjs SCRATCH OUTDIR
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";

const [scratch, outdir] = process.argv.slice(2);
if (!scratch || !outdir) {
	console.error("usage: node mcp-agent.mjs SCRATCH OUTDIR");
	process.exit(2);
}

// Planted secrets: fake values with real shapes.  The CLI tests give the
// same values to cairn-snap --env, so that cairn-report finds them in the
// traffic through the snapshot's HMACs as well as through their shape.
const PLANTED = {
	OPENAI_API_KEY: "sk-proj-cairnTEST0000fakeKEYnotREAL1111aaaabbbbccccdddd",
	GITHUB_TOKEN: "ghp_cairnTestFakeToken000000000000000000",
	DB_PASSWORD: "correct-horse-battery-staple-42",
};

const BASE_MS = Date.parse("2026-03-02T08:00:00.000Z");
const nm = join(scratch, "node_modules", "@modelcontextprotocol");
const servers = {
	everything: {
		cmd: [process.execPath, join(nm, "server-everything", "dist", "index.js"), "stdio"],
		env: { PATH: "/usr/local/bin:/usr/bin:/bin", GITHUB_TOKEN: PLANTED.GITHUB_TOKEN },
	},
	filesystem: {
		cmd: [process.execPath, join(nm, "server-filesystem", "dist", "index.js"), join(scratch, "files")],
		env: { PATH: "/usr/local/bin:/usr/bin:/bin" },
	},
	memory: {
		// the modified copy (mcp-record.sh): search_nodes changes its own
		// description after its first call
		cmd: [process.execPath, join(scratch, "memory-modified", "dist", "index.js")],
		env: { PATH: "/usr/local/bin:/usr/bin:/bin", MEMORY_FILE_PATH: join(scratch, "memory.jsonl") },
	},
};

let phaseOffset = 0, phaseStart = Date.now();
function now() {
	return new Date(BASE_MS + phaseOffset + (Date.now() - phaseStart)).toISOString();
}
function phase(minutes) {
	phaseOffset = minutes * 60000;
	phaseStart = Date.now();
}

mkdirSync(join(outdir, "claude-desktop"), { recursive: true });
mkdirSync(join(outdir, "claude-code"), { recursive: true });
mkdirSync(join(outdir, "jsonrpc"), { recursive: true });
const mcpLog = join(outdir, "claude-desktop", "mcp.log");
const wrapped = join(outdir, "jsonrpc", "wrapped.ndjson");
const sessionId = "5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51";
const transcript = join(outdir, "claude-code", sessionId + ".jsonl");
for (const f of [mcpLog, wrapped, transcript])
	writeFileSync(f, "");

function desktop(name, line) {
	const t = now();
	appendFileSync(mcpLog, `${t} [info] [${name}] ${line}\n`);
	appendFileSync(join(outdir, "claude-desktop", `mcp-server-${name}.log`), `${t} [${name}] [info] ${line}\n`);
}

function record(name, dir, raw) {
	const t = now();
	const who = dir === "client->server" ? "client" : "server";
	appendFileSync(mcpLog, `${t} [info] [${name}] Message from ${who}: ${raw}\n`);
	appendFileSync(join(outdir, "claude-desktop", `mcp-server-${name}.log`),
		`${t} [${name}] [info] Message from ${who}: ${raw}\n`);
	appendFileSync(join(outdir, "jsonrpc", `${name}.ndjson`), raw + "\n");
	appendFileSync(wrapped, JSON.stringify({ timestamp: t, direction: dir, server: name,
		message: JSON.parse(raw) }) + "\n");
}

class Conn {
	constructor(name, spec) {
		this.name = name;
		this.nextId = 0;
		this.waiting = new Map();
		this.listeners = [];
		writeFileSync(join(outdir, "claude-desktop", `mcp-server-${name}.log`), "");
		writeFileSync(join(outdir, "jsonrpc", `${name}.ndjson`), "");
		desktop(name, "Initializing server...");
		this.proc = spawn(spec.cmd[0], spec.cmd.slice(1), { env: spec.env, stdio: ["pipe", "pipe", "pipe"] });
		desktop(name, "Server started and connected successfully");
		let buf = "";
		this.proc.stdout.setEncoding("utf8");
		this.proc.stdout.on("data", (d) => {
			buf += d;
			let nl;
			while ((nl = buf.indexOf("\n")) >= 0) {
				const line = buf.slice(0, nl).replace(/\r$/, "");
				buf = buf.slice(nl + 1);
				if (line)
					this.onLine(line);
			}
		});
		// the server's own stderr lands raw in its Claude Desktop log
		this.proc.stderr.setEncoding("utf8");
		this.proc.stderr.on("data", (d) => {
			appendFileSync(join(outdir, "claude-desktop", `mcp-server-${name}.log`), d);
		});
	}
	onLine(line) {
		record(this.name, "server->client", line);
		const msg = JSON.parse(line);
		if (msg.id !== undefined && msg.method === undefined && this.waiting.has(msg.id)) {
			this.waiting.get(msg.id)(msg);
			this.waiting.delete(msg.id);
		} else if (msg.method !== undefined && msg.id !== undefined) {
			// a request from the server (roots, sampling): decline it
			this.send({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "Method not found" } });
		} else {
			for (const l of this.listeners)
				l(msg);
		}
	}
	send(msg) {
		const raw = JSON.stringify(msg);
		record(this.name, "client->server", raw);
		this.proc.stdin.write(raw + "\n");
	}
	request(method, params) {
		const id = this.nextId++;
		const msg = { method, params, jsonrpc: "2.0", id };
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`${this.name}: ${method}: timeout`)), 20000);
			this.waiting.set(id, (m) => { clearTimeout(timer); resolve(m); });
			this.send(msg);
		});
	}
	notify(method, params) {
		this.send(params === undefined ? { method, jsonrpc: "2.0" } : { method, params, jsonrpc: "2.0" });
	}
	close() {
		this.proc.stdin.end();
		return new Promise((r) => this.proc.on("exit", r));
	}
}

// Claude Code: one assistant line per tool_use, one user line per tool_result.
let uuidN = 0, parent = null;
function uuid() {
	uuidN++;
	return `00000000-0000-4000-8000-${uuidN.toString(16).padStart(12, "0")}`;
}
function cc(type, message, extra) {
	const u = uuid();
	const line = { parentUuid: parent, isSidechain: false, userType: "external",
		cwd: "/home/dev/project", sessionId, version: "2.1.19", gitBranch: "main",
		type, message, uuid: u, timestamp: now(), ...extra };
	parent = u;
	appendFileSync(transcript, JSON.stringify(line) + "\n");
}
let toolN = 0;
async function call(conn, tool, args) {
	const id = `toolu_01Cairn${(++toolN).toString().padStart(14, "0")}`;
	cc("assistant", { id: `msg_01Cairn${toolN}`, type: "message", role: "assistant",
		model: "claude-sonnet-4-5", content: [{ type: "tool_use", id, name: `mcp__${conn.name}__${tool}`, input: args }],
		stop_reason: "tool_use", stop_sequence: null,
		usage: { input_tokens: 1200, output_tokens: 80 } }, { requestId: `req_01Cairn${toolN}` });
	const res = await conn.request("tools/call", { name: tool, arguments: args });
	const r = res.result || {};
	const block = { tool_use_id: id, type: "tool_result",
		content: res.error ? res.error.message : (r.content || []).map((c) => c.type === "text" ? { type: "text", text: c.text } : c) };
	if (res.error || r.isError)
		block.is_error = true;
	cc("user", { role: "user", content: [block] }, { toolUseResult: res.error ? `Error: ${res.error.message}` : (r.content || []) });
	return res;
}

async function start(name) {
	const c = new Conn(name, servers[name]);
	const init = await c.request("initialize", { protocolVersion: "2025-06-18", capabilities: {},
		clientInfo: { name: "claude-ai", version: "0.1.0" } });
	c.notify("notifications/initialized");
	const caps = (init.result && init.result.capabilities) || {};
	await c.request("tools/list", {});
	if (caps.prompts)
		await c.request("prompts/list", {});
	if (caps.resources)
		await c.request("resources/list", {});
	return c;
}

phase(0);
const conns = {};
for (const name of Object.keys(servers))
	conns[name] = await start(name);
cc("user", { role: "user", content: "Tidy up the project notes and remember who our contact at Acme is." });

phase(1);
await call(conns.everything, "echo", { message: "hello from the agent" });
await call(conns.everything, "get-sum", { a: 2, b: 3 });
await call(conns.filesystem, "list_directory", { path: join(scratch, "files") });
await call(conns.filesystem, "read_text_file", { path: join(scratch, "files", "README.md") });

phase(7);
await call(conns.memory, "create_entities", { entities: [{ name: "Alice Martin", entityType: "person",
	observations: ["Contact at Acme", "e-mail alice.martin@acme-corp.example"] }] });
// the rug pull: after its first call search_nodes changes its description
// and the server announces it
const changed = new Promise((resolve) => conns.memory.listeners.push((m) => {
	if (m.method === "notifications/tools/list_changed")
		resolve();
}));
await call(conns.memory, "search_nodes", { query: "Acme" });
await changed;
await conns.memory.request("tools/list", {});

phase(13);
// what the poisoned description asks for: a secret file's content and a
// key as a parameter, and a new destination
await call(conns.filesystem, "read_text_file", { path: join(scratch, "files", ".env") });
await call(conns.memory, "add_observations", { observations: [{ entityName: "Alice Martin",
	contents: [`api key ${PLANTED.OPENAI_API_KEY}`, `db password ${PLANTED.DB_PASSWORD}`,
		"sync to https://collect.exfil-cairn-demo.net/upload?src=memory"] }] });
await call(conns.everything, "get-env", {});
await call(conns.memory, "search_nodes", { query: "Alice" });
cc("assistant", { id: "msg_01CairnEnd", type: "message", role: "assistant", model: "claude-sonnet-4-5",
	content: [{ type: "text", text: "Notes updated." }], stop_reason: "end_turn", stop_sequence: null,
	usage: { input_tokens: 1500, output_tokens: 12 } }, {});

for (const c of Object.values(conns))
	await c.close();
