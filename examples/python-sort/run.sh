#!/usr/bin/env bash
# Start the Python Sort version of nvote.
#   ./run.sh [--listen HOST:PORT] [--workers N] [--verbose]
# 1. finds a Python 3 interpreter that can import grpc and grpc_tools,
# 2. generates the protobuf/gRPC stubs into ./gen (git-ignored) unless ./gen
#    already holds stubs generated from the same protos by the same interpreter,
# 3. execs sort_server.py with the given arguments.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proto_root="${NVOTE_PROTO_DIR:-$here/../../proto}"
gen="$here/gen"

# --- 1. interpreter ---------------------------------------------------------
# $PYTHON wins if set; otherwise the python3 on PATH, then the Debian system
# interpreter (a pyenv/venv python3 on PATH usually cannot see Debian's
# dist-packages, which is where python3-grpcio lives).
candidates=()
if [[ -n "${PYTHON:-}" ]]; then
  candidates+=("$PYTHON")
else
  command -v python3 >/dev/null 2>&1 && candidates+=("$(command -v python3)")
  [[ -x /usr/bin/python3 ]] && candidates+=(/usr/bin/python3)
fi
py=""
for c in "${candidates[@]}"; do
  # find_spec locates the modules without paying for importing them.
  if "$c" -c 'import importlib.util as u, sys
sys.exit(not all(u.find_spec(m) for m in ("grpc", "grpc_tools.protoc", "google.protobuf")))' >/dev/null 2>&1; then
    py="$c"
    break
  fi
done
if [[ -z "$py" ]]; then
  {
    echo "python-sort: no Python 3 interpreter can import grpc, grpc_tools and google.protobuf"
    echo "  tried: ${candidates[*]:-<none: python3 not found>}"
    echo "  on Debian/Ubuntu install them with:"
    echo "    apt-get install -y python3 python3-grpcio python3-grpc-tools python3-protobuf"
    echo "  or point PYTHON=/path/to/python3 at an interpreter that has them."
  } >&2
  exit 127
fi

# --- 2. stubs ---------------------------------------------------------------
for f in nvote/v1/compute_service.proto google/rpc/status.proto google/rpc/error_details.proto; do
  if [[ ! -f "$proto_root/$f" ]]; then
    echo "python-sort: missing $proto_root/$f (set NVOTE_PROTO_DIR to the repository's proto/ folder)" >&2
    exit 2
  fi
done
# Inputs of the generation: the interpreter (its grpc_tools decides the protoc
# version) and the proto files. When ./gen was generated from exactly these,
# reuse it; otherwise regenerate.
health_dir="$proto_root/grpc/health/v1"
inputs=(nvote/v1/compute_service.proto google/rpc/status.proto google/rpc/error_details.proto)
[[ -f "$health_dir/health.proto" ]] && inputs+=(grpc/health/v1/health.proto)
stamp="$(printf 'python %s\n' "$py"; cd "$proto_root" && sha256sum "${inputs[@]}")"
if [[ ! -f "$gen/.stamp" || "$(cat "$gen/.stamp")" != "$stamp" ]]; then
  # Generate into a private temporary folder and move the files into place one
  # by one (rename is atomic), so two servers starting at once never import a
  # half-written module.
  tmp="$(mktemp -d "$here/.gen.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # One interpreter runs protoc for both sets. Health is optional; it is
  # generated with its own folder as the include root, so the module is a
  # top-level `health_pb2` and does not collide with the real `grpc` package.
  "$py" - "$proto_root" "$health_dir" "$tmp" <<'PY'
import os, sys
from grpc_tools import protoc
root, health_dir, out = sys.argv[1:4]
# The well-known types (google/protobuf/any.proto, ...) ship inside grpc_tools;
# `python3 -m grpc_tools.protoc` adds them itself, protoc.main() does not.
wkt = os.path.join(os.path.dirname(os.path.abspath(protoc.__file__)), "_proto")
args = ["protoc", "-I", root, "-I", wkt, "--python_out=" + out, "--grpc_python_out=" + out]
if protoc.main(args + ["nvote/v1/compute_service.proto", "google/rpc/status.proto",
                       "google/rpc/error_details.proto"]) != 0:
    sys.exit("python-sort: protoc failed")
if os.path.isfile(os.path.join(health_dir, "health.proto")):
    if protoc.main(["protoc", "-I", health_dir, "-I", wkt, "--python_out=" + out,
                    "--grpc_python_out=" + out, "health.proto"]) != 0:
        print("python-sort: could not generate health stubs; continuing without health",
              file=sys.stderr)
PY
  (cd "$tmp" && find . -type f -name '*.py') | while IFS= read -r rel; do
    mkdir -p "$gen/$(dirname "$rel")"
    mv -f "$tmp/$rel" "$gen/$rel"
  done
  printf '%s\n' "$stamp" > "$tmp/.stamp"
  mv -f "$tmp/.stamp" "$gen/.stamp"
  rm -rf "$tmp"
  trap - EXIT
fi

# --- 3. server --------------------------------------------------------------
export NVOTE_PYSORT_GEN="$gen"
exec "$py" "$here/sort_server.py" "$@"
