#!/bin/bash
# Result-cache measurements for BENCHMARKS.md (issue 19): the issue's "Done when" cases with real
# commands. Run from the repo root after `npm run build`: bash bench/cache-rerun.sh (M=<dir> to
# choose where its DAGs, caches and outputs go; default /tmp/wk-cache-rerun). Takes ~5 min on 2 cores.
set -euo pipefail
B="node bin/wukong.js"
M=${M:-/tmp/wk-cache-rerun}
rm -rf "$M"; mkdir -p "$M"
summary() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);const c=j.cache||{};console.log('$1'.padEnd(34), 'makespan', j.makespanMs.toFixed(1).padStart(8), 'ms  tasks run', String(j.tasks).padStart(3), ' hits', c.hits??'-', ' re-run', c.recomputed?c.recomputed.length:'-', ' planned', c.plannedTasks??'-', ' written', c.written??'-', c.corrupt?' corrupt '+c.corrupt:'', c.recomputed&&c.recomputed.length<=8?JSON.stringify(c.recomputed.map(r=>r.taskId+': '+r.reason)):'')})"; }
same() { if diff -rq "$1" "$2" >/dev/null; then echo "  outputs $1 == $2 (bit-identical, $(ls "$1" | wc -l) files)"; else echo "  OUTPUTS DIFFER: $1 $2"; fi; }
echo "load: $(uptime)"

echo "== replay gemm --size medium --cache DIR, twice (three fresh caches) =="
for k in 1 2 3; do
  for i in 1 2; do
    $B replay gemm --size medium --workers 2 --no-metadata --cache "$M/replay-cache-$k" --json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);console.log('cache $k run $i'.padEnd(34),'makespan',j.lastRun.makespanMs.toFixed(1).padStart(8),'ms  hits',j.lastRun.cache.hits,' re-run',j.lastRun.cache.recomputed.length,' verified',j.verification.ok)})"
  done
done
echo "-- one process, --repeat 2: the all-hit repeat returns the first repeat's bits"
$B replay gemm --size medium --workers 2 --no-metadata --cache "$M/replay-cache-4" --repeat 2 | grep -E "makespan  |identical|verdict"

echo "== gemm medium, one block's seed changed (a-0-0) =="
$B replay gemm --size medium --workers 2 --no-metadata --save-dag "$M/gemm.json" --json > /dev/null
node -e "const f=require('fs');const d=JSON.parse(f.readFileSync('$M/gemm.json'));const t=d.tasks.find(t=>t.id==='a-0-0');t.args.seed+=1;f.writeFileSync('$M/gemm-a00.json',JSON.stringify(d))"
for planner in wukong heft; do
  C="$M/cache-gemm-$planner"
  $B submit "$M/gemm.json" --planner $planner --workers 2 --no-metadata --cache "$C" --output-dir "$M/o-$planner-fill" --json | summary "$planner fill (unchanged DAG)"
  $B submit "$M/gemm.json" --planner $planner --workers 2 --no-metadata --cache "$C" --output-dir "$M/o-$planner-again" --json | summary "$planner again (unchanged DAG)"
  same "$M/o-$planner-fill" "$M/o-$planner-again"
  $B submit "$M/gemm-a00.json" --planner $planner --workers 2 --no-metadata --cache "$C" --output-dir "$M/o-$planner-changed" --json | summary "$planner a-0-0 seed changed"
  $B submit "$M/gemm-a00.json" --planner $planner --workers 2 --no-metadata --no-cache --output-dir "$M/o-$planner-fresh" --json | summary "$planner a-0-0 seed changed, --no-cache"
  same "$M/o-$planner-changed" "$M/o-$planner-fresh"
done

echo "== pipeline medium, last step's args changed (top: LIMIT 10 -> LIMIT 5) =="
$B replay pipeline --size medium --workers 2 --no-metadata --data "$M/data" --save-dag "$M/pipeline.json" --json > /dev/null
node -e "const f=require('fs');const d=JSON.parse(f.readFileSync('$M/pipeline.json'));const t=d.tasks.find(t=>t.id==='top');t.args.query=t.args.query.replace('LIMIT 10','LIMIT 5');f.writeFileSync('$M/pipeline-top5.json',JSON.stringify(d))"
for planner in wukong heft; do
  C="$M/cache-pipeline-$planner"
  $B submit "$M/pipeline.json" --planner $planner --workers 2 --no-metadata --cache "$C" --output-dir "$M/p-$planner-fill" --json | summary "$planner fill"
  $B submit "$M/pipeline-top5.json" --planner $planner --workers 2 --no-metadata --cache "$C" --output-dir "$M/p-$planner-changed" --json | summary "$planner top LIMIT 5"
  $B submit "$M/pipeline-top5.json" --planner $planner --workers 2 --no-metadata --no-cache --output-dir "$M/p-$planner-fresh" --json | summary "$planner top LIMIT 5, --no-cache"
  same "$M/p-$planner-changed" "$M/p-$planner-fresh"
  cmp "$M/p-$planner-changed/by-zone-hour.arrow" "$M/p-$planner-fill/by-zone-hour.arrow" && echo "  by-zone-hour unchanged from the fill run"
done

echo "== a truncated directory entry (gemm medium): an output's entry cut to 1,000 bytes =="
C="$M/cache-gemm-wukong"
# A hit touches its entry's mtime: after an all-hit run, the newest entry is an output's.
$B submit "$M/gemm.json" --workers 2 --no-metadata --cache "$C" --json > /dev/null
victim=$(ls -t "$C/e" | head -1)
for planner in wukong heft; do
  truncate -s 1000 "$C/e/$victim"
  $B submit "$M/gemm.json" --planner $planner --workers 2 --no-metadata --cache "$C" --output-dir "$M/o-truncated-$planner" --json | summary "$planner, entry truncated"
  same "$M/o-truncated-$planner" "$M/o-wukong-fill"
  echo "  entry size now $(stat -c %s "$C/e/$victim") bytes (rewritten whole)"
done
echo "load: $(uptime)"
