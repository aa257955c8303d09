import type { OpCatalog } from '../dag/op-catalog.js';
import type { OpDefinition } from './op-definition.js';

/** The ops an executor can run, by name. Implements the DAG layer's OpCatalog port. */
export class OpRegistry implements OpCatalog {
  private readonly ops = new Map<string, OpDefinition>();

  constructor(definitions: Iterable<OpDefinition> = []) {
    for (const def of definitions) this.register(def);
  }

  register(def: OpDefinition): this {
    if (this.ops.has(def.name)) throw new Error(`op ${def.name} is already registered`);
    this.ops.set(def.name, def);
    return this;
  }

  lookup(name: string): OpDefinition | undefined {
    return this.ops.get(name);
  }

  /** Like lookup, but throws for an unknown op (validated DAGs never reach that). */
  get(name: string): OpDefinition {
    const def = this.ops.get(name);
    if (!def) throw new Error(`unknown op: ${name}`);
    return def;
  }

  names(): readonly string[] {
    return [...this.ops.keys()].sort();
  }
}
