#!/bin/sh
# The cloud vendors' ordinary settings are not secrets: a process
# environment with AWS_REGION, AWS_PROFILE, AWS_CA_BUNDLE, the AWS config
# and credentials file paths, AZURE_TENANT_ID, GOOGLE_CLOUD_PROJECT ... gets
# no CAIRN-P06 for them (before: every AWS_*, AZURE_*, GOOGLE_* name was a
# secret), while the credentials themselves (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AZURE_CLIENT_SECRET,
# GOOGLE_API_KEY) still are.  The same table judges names in MCP tool
# traffic (CAIRN-A04): a tool result listing AWS settings is no secret, the
# fixture's result with the access key pair is.  Example values are AWS's
# documented examples.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
mkdir root
echo x > root/file
envrecs() {
	zstd -dcq "$1" | jq -r 'select(.type == "env" and (.name | test("^(AWS|AZURE|GOOGLE|GCP)_"))) |
		[.name, .secret, .rule // "-"] | @tsv'
}
findings() {
	rc=0
	cairn-report --snapshot "$1" --format json --no-timestamp -o "$1.json" || rc=$?
	echo "cairn-report exit $rc"
	jq -c '.findings[] | [.id, .severity, .title]' "$1.json"
}
h=$PWD
# envsnap NAME=VALUE... OUT: cairn-snap --env in an environment of just these
envsnap() {
	_o=$1
	shift
	env -i PATH="$PATH" HOME="$h" "$@" cairn-snap -q --env --env-key k -o "$_o" root
}
run envsnap plain.cairn \
	AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 AWS_PROFILE=dev \
	AWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt AWS_CONFIG_FILE="$h/.aws/config" \
	AWS_SHARED_CREDENTIALS_FILE="$h/.aws/credentials" AWS_ENDPOINT_URL=http://localhost:4566 \
	AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token \
	AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci AWS_SDK_LOAD_CONFIG=1 \
	AZURE_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47 AZURE_CLIENT_ID=00000000-0000-0000-0000-000000000000 \
	AZURE_SUBSCRIPTION_ID=00000000-0000-0000-0000-000000000001 \
	AZURE_FEDERATED_TOKEN_FILE=/var/run/secrets/azure/tokens/azure-identity-token \
	GOOGLE_CLOUD_PROJECT=demo-project GOOGLE_CLOUD_REGION=europe-west1 GCP_PROJECT=demo-project
envrecs plain.cairn
run findings plain.cairn

run envsnap creds.cairn AWS_REGION=eu-west-1 \
	AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
	AWS_SESSION_TOKEN=example-session-token AWS_SECURITY_TOKEN=example-security-token \
	AZURE_CLIENT_SECRET=example-client-secret GOOGLE_API_KEY=example-api-key
envrecs creds.cairn
run findings creds.cairn

# tool traffic: the fixture's read_text_file result (the access key pair)
# and the same result holding only AWS settings
fx="$CAIRN_SRC/tests/fixtures/agentlogs/jsonrpc/filesystem.ndjson"
sed 's|AWS_ACCESS_KEY_ID=AKIACAIRNTEST0000FAK\\nAWS_SECRET_ACCESS_KEY=cairnTestFakeSecretKey0000000000000000000\\n|[default]\\nAWS_REGION=eu-west-1\\nAWS_PROFILE=dev\\nAWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt\\nAWS_SHARED_CREDENTIALS_FILE=/home/u/.aws/credentials\\n|g' \
	"$fx" > settings.ndjson
if cmp -s "$fx" settings.ndjson; then fail "sed changed nothing"; fi
secrets() { jq -c '.agent.secrets[] | [.tool, .where, .rules, .length]'; }
a04() {
	rc=0
	cairn-report --snapshot plain.cairn --env-key k --capture "$1" --format json \
		--no-timestamp -o a04.json || rc=$?
	echo "cairn-report exit $rc"
	jq -c '.findings[] | select(.id == "CAIRN-A04") | [.id, .severity, .title]' a04.json
}
for log in "$fx" settings.ndjson; do
	run_f secrets cairn-capture --json --env-key k "$log"
	run a04 "$log"
done
