#!/usr/bin/env bash
# The whole example in one command: the Python Sort version and a gateway that votes it with
# two built-in versions (sort-merge, sort-heap). Ctrl-C (or SIGTERM) stops both.
#   npm run build && examples/python-sort/start.sh [--listen HOST:PORT] [--python-port PORT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
listen="127.0.0.1:50051"
python_port=50061
while [[ $# -gt 0 ]]; do
  case "$1" in
    --listen) listen="$2"; shift 2 ;;
    --python-port) python_port="$2"; shift 2 ;;
    *) echo "usage: start.sh [--listen HOST:PORT] [--python-port PORT]" >&2; exit 2 ;;
  esac
done
if [[ ! -f "$root/dist/voter/main.js" ]]; then
  echo "start.sh: the gateway is not built; run npm run build first" >&2
  exit 2
fi

work="$(mktemp -d)"
python_pid=""
cleanup() {
  [[ -n "$python_pid" ]] && kill "$python_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The Python version first; its one line on stdout says where it listens.
mkfifo "$work/python.out"
"$here/run.sh" --listen "127.0.0.1:$python_port" > "$work/python.out" &
python_pid=$!
read -r line < "$work/python.out"
address="${line#listening on }"
echo "python-sort: $line"

cat > "$work/config.json" <<JSON
{ "listen": "$listen",
  "methods": { "Sort": { "versions": ["sort-merge", "sort-heap", { "id": "sort-python", "address": "$address" }] } } }
JSON
echo "gateway: Sort votes sort-merge, sort-heap and sort-python ($address); try"
echo "  node dist/tools/cli/nvote.js call Sort '{\"values\":[3,1,2]}' --address $listen"
node "$root/dist/voter/main.js" --config "$work/config.json" &
gateway_pid=$!
trap 'kill -TERM "$gateway_pid" 2>/dev/null || true' INT TERM
wait "$gateway_pid" || true
