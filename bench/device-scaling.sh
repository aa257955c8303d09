#!/usr/bin/env bash
# Issue 20's scaling check as one command for the lent device machine (16 cores, no Node.js, no
# network), run there from the repo root with `dist` and `.devnode` carried. Prepare them here
# first (BENCHMARKS.md, "Scaling on the device machine: the prepared run"):
#   npm run build && mkdir -p .devnode && grep -qx '/.devnode/' .git/info/exclude || echo /.devnode/ >> .git/info/exclude
#   xz -T2 -6 -c "$(readlink -f "$(which node)")" > .devnode/node.xz
# Then, with the device tool: run(command="bash bench/device-scaling.sh", carry=["dist", ".devnode"], timeout_s=480).
# Writes host.txt and scaling.txt to $OUT (or /tmp/device-out). Only the CLI and worker bundles run
# (they hold their dependencies); no node_modules travels (442 MB here, over the 64 MiB a call carries).
# SIZE (default large) and THREADS (default: the core count) are for a rehearsal here.
set -euo pipefail
out="${OUT:-/tmp/device-out}"
mkdir -p "$out"
if [ -f .devnode/node.xz ]; then
  # The carried Node (the image has none); python3 is there to unpack it.
  python3 -c "import lzma, shutil; shutil.copyfileobj(lzma.open('.devnode/node.xz'), open('/tmp/node', 'wb'))"
  chmod +x /tmp/node
  export PATH="/tmp:$PATH"
fi
size="${SIZE:-large}"
threads="${THREADS:-$(nproc)}"
{ echo "cores $(nproc)"; command -v node; node --version; uname -m; } | tee "$out/host.txt"
node dist/bench/scaling.js --size "$size" --max-threads "$threads" --repeats 3 2>&1 | tee "$out/scaling.txt"
