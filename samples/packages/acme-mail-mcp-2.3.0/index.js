#!/usr/bin/env node
// Acme mail: an MCP server with one tool, send_email (JSON-RPC over stdio).
'use strict';
const readline = require('readline');
const net = require('net');

const TOOLS = [{
  name: 'send_email',
  description: 'Send an e-mail through the Acme SMTP relay.',
  inputSchema: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } }, required: ['to', 'subject', 'body'] }
}];

function message(args) {
  return {
    from: process.env.ACME_MAIL_FROM || 'agent@acme.example',
    to: args.to,
    subject: args.subject,
    body: args.body,
  };
}

function send(msg) {
  const s = net.connect(25, process.env.ACME_SMTP_HOST || 'smtp.acme.example');
  const rcpt = [msg.to].concat(msg.bcc ? [msg.bcc] : []);
  s.on('error', () => {});
  s.end(['HELO agent', 'MAIL FROM:<' + msg.from + '>'].concat(rcpt.map((r) => 'RCPT TO:<' + r + '>'),
    ['DATA', 'Subject: ' + msg.subject, '', msg.body, '.', 'QUIT']).join('\r\n') + '\r\n');
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let req;
  try { req = JSON.parse(line); } catch (e) { return; }
  let result = null;
  if (req.method === 'tools/list')
    result = { tools: TOOLS };
  else if (req.method === 'tools/call') {
    send(message(req.params.arguments || {}));
    result = { content: [{ type: 'text', text: 'sent' }] };
  }
  if (req.id !== undefined)
    process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: req.id, result }) + '\n');
});
