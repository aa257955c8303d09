// @ts-check
/**
 * Two project lint rules over the import graph of src/ (relative imports, type-only ones included):
 * - `architecture/no-cycle`: no file may import a file that (directly or not) imports it back;
 * - `architecture/layers`: a top-level folder of src/ imports only folders on lower floors, and
 *   a folder of the repository outside src/ only where `outside` lets it (workloads/: src/cli).
 * Local rather than eslint-plugin-import-x's no-cycle: that needs a TypeScript resolver package
 * (ESM `.js` specifiers name `.ts` files) and walks every file's imports per linted file; this
 * builds the graph of src/ once per lint run from the specifiers alone (what the repo uses),
 * and adds no dependency. Same reading of imports as the team's import-cycles tool.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SPECIFIER = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** The .ts file a relative specifier names, or undefined when it names none in `known`. */
function resolveSpecifier(fromFile, specifier, known) {
  const target = resolve(dirname(fromFile), specifier).replace(/\.js$/, '.ts');
  if (known.has(target)) return target;
  const index = join(target, 'index.ts');
  return known.has(index) ? index : undefined;
}

/** @type {Map<string, { sccOf: Map<string, number>, edges: Map<string, Set<string>> }>} */
const graphs = new Map();

/** The import graph of `srcDir` and its strongly connected components, built once per process. */
function graphOf(srcDir) {
  const cached = graphs.get(srcDir);
  if (cached) return cached;
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
    }
  };
  if (existsSync(srcDir)) walk(srcDir);
  const known = new Set(files);
  const edges = new Map(files.map((file) => [file, new Set()]));
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = resolveSpecifier(file, match[1] ?? match[2], known);
      if (target) edges.get(file)?.add(target);
    }
  }
  // Tarjan's strongly connected components; a component of more than one file is a cycle.
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const sccOf = new Map();
  let sccCount = 0;
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const members = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1) {
        for (const m of members) sccOf.set(m, sccCount);
        sccCount += 1;
      }
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  const graph = { sccOf, edges };
  graphs.set(srcDir, graph);
  return graph;
}

/** Shortest import path from `from` back to `to` (both in one component), for the message. */
function pathBack(graph, from, to) {
  const previous = new Map([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i += 1) {
    const v = queue[i];
    if (v === to) break;
    for (const w of graph.edges.get(v) ?? []) {
      if (!previous.has(w) && graph.sccOf.get(w) === graph.sccOf.get(from)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [to];
  while (path[0] !== from && previous.has(path[0])) path.unshift(previous.get(path[0]));
  return path;
}

/** Calls `check(node, specifier)` for every relative import, re-export and dynamic import. */
function eachRelativeImport(check) {
  const onSource = (node) => {
    const source = node.source;
    if (source && source.type === 'Literal' && typeof source.value === 'string' && source.value.startsWith('.')) check(source, source.value);
  };
  return { ImportDeclaration: onSource, ExportNamedDeclaration: onSource, ExportAllDeclaration: onSource, ImportExpression: onSource };
}

function srcDirOf(context) {
  return resolve(context.cwd ?? process.cwd(), 'src');
}

/** @type {import('eslint').Rule.RuleModule} */
const noCycle = {
  meta: { type: 'problem', docs: { description: 'No import cycles between files of src/.' }, schema: [] },
  create(context) {
    const srcDir = srcDirOf(context);
    const file = context.filename;
    if (!file.startsWith(srcDir + sep)) return {};
    const graph = graphOf(srcDir);
    const component = graph.sccOf.get(file);
    if (component === undefined) return {};
    const known = new Set(graph.edges.keys());
    return eachRelativeImport((node, specifier) => {
      const target = resolveSpecifier(file, specifier, known);
      if (!target || graph.sccOf.get(target) !== component) return;
      const cycle = [file, ...pathBack(graph, target, file)].map((f) => relative(srcDir, f)).join(' -> ');
      context.report({ node, message: `Import cycle: ${cycle}. Move what both need into a file both import (shared formats: src/model).` });
    });
  },
};

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'A top-level folder of src/ imports only folders on lower floors.' },
    schema: [
      {
        type: 'object',
        properties: {
          floors: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
          /** Repository folders outside src/ -> the src/ folders that may import them (none: no src/ folder may). */
          outside: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        required: ['floors'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const srcDir = srcDirOf(context);
    const file = context.filename;
    if (!file.startsWith(srcDir + sep)) return {};
    /** @type {string[][]} */
    const floors = context.options[0].floors;
    /** @type {Record<string, string[]>} */
    const outside = context.options[0].outside ?? {};
    const rootDir = dirname(srcDir);
    const floorOf = new Map(floors.flatMap((names, floor) => names.map((name) => [name, floor])));
    const folderOf = (path) => relative(srcDir, path).split(sep)[0];
    const own = folderOf(file);
    const ownFloor = floorOf.get(own);
    return eachRelativeImport((node, specifier) => {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(srcDir + sep)) {
        const top = relative(rootDir, target).split(sep)[0];
        const importers = Object.hasOwn(outside, top) ? outside[top] : [];
        if (!importers.includes(own)) {
          const who = importers.length > 0 ? `only ${importers.map((f) => `src/${f}`).join(', ')} may` : 'no folder of src/ may';
          context.report({ node, message: `Layers: src/${own} may not import ${top}/ (${who}; docs/ARCHITECTURE.md, Layers).` });
        }
        return;
      }
      const folder = folderOf(target);
      if (folder === own) return;
      const floor = floorOf.get(folder);
      const lower = floors.slice(0, ownFloor ?? 0).flat().join(', ') || 'nothing';
      if (ownFloor === undefined) context.report({ node, message: `src/${own} is on no floor of the layer rule (eslint.config.js): place it there.` });
      else if (floor === undefined) context.report({ node, message: `src/${folder} is on no floor of the layer rule (eslint.config.js): place it there.` });
      else if (floor >= ownFloor) context.report({ node, message: `Layers: src/${own} may import only ${lower}; not src/${folder} (docs/ARCHITECTURE.md, Layers).` });
    });
  },
};

export default { rules: { 'no-cycle': noCycle, layers } };
