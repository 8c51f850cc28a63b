#!/usr/bin/env bash
# Runs the end-to-end test with the function (and the publish script) under Node 22, the
# deploy runtime, while jest itself stays on the machine's Node. The function runs from the
# bundle, as deployed (package.json `main` is dist/bundle/function.js; jest's global setup builds
# the same bundles into .test-dist/bundle/). node@22 goes into a temp
# dir so the project's node_modules and lock file are untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

npm install --prefix "$tmp" --no-save --no-audit --no-fund --loglevel=error node@22 >/dev/null
node22="$tmp/node_modules/.bin/node"
version="$("$node22" --version)"
case "$version" in
  v22.*) echo "node22-e2e: function runs under Node $version (jest under $(node --version))" ;;
  *) echo "node22-e2e: expected Node 22 from the node@22 package, got '$version'" >&2; exit 1 ;;
esac

main="$(node -p 'require("./package.json").main')"
case "$main" in
  dist/bundle/*) ;;
  *) echo "node22-e2e: package.json main is '$main', not the bundle in dist/bundle/" >&2; exit 1 ;;
esac

KPI_E2E_NODE="$node22" CI="${CI:-true}" NODE_OPTIONS=--experimental-vm-modules npx jest test/e2e "$@"

# The CLI's bundle (as jest's global setup built it) under Node 22 too: it loads and answers.
"$node22" .test-dist/bundle/kpi-collector.js help >/dev/null
echo "node22-e2e: the CLI bundle runs under Node $version"
