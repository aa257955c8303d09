import * as z from 'zod';
import type { Coordinator } from './coordinator.js';
import type { IntermediateStore } from './intermediate-store.js';

/**
 * A store's config as code that only passes it on sees it (CLI, run spec, thread init, Lambda
 * env): the registered kind's name and that kind's own fields, validated by the kind's schema.
 */
export type StoreKindConfig = { readonly kind: string } & Readonly<Record<string, unknown>>;

/** The two roles a store plays for a run (DESIGN.md §5). */
export type StoreRole = 'intermediate' | 'coordinator';

/** What every store kind is opened with, besides its own config. */
export interface StoreOpenContext {
  /** How long run keys live (the coordinator's and the intermediate objects' expiry). */
  readonly ttlSeconds: number;
}

/**
 * One store kind: its config schema and how to open it in each role it can play. A new kind is one
 * folder under src/storage (the adapter and its definition) plus one line in ./store-kinds.ts.
 */
export interface StoreKindDefinition<C extends StoreKindConfig = StoreKindConfig> {
  /** The `kind` field of its configs, and IntermediateStore.kind of what it opens. */
  readonly kind: string;
  /** Its configs, strictly: `{ kind: z.literal(kind), ...fields }`. */
  readonly configSchema: z.ZodType<C>;
  /**
   * The store lives in the memory of the process that hosts the run: an executor host is handed
   * the host's instance (embedded threads reach it by RPC) instead of opening its own, which would
   * be empty. Such a kind cannot serve executors in other processes (Lambda).
   */
  readonly hostLocal?: boolean;
  /** Opens it as the run's intermediate store; absent: the kind cannot play this role. */
  readonly openIntermediate?: (config: C, context: StoreOpenContext) => Promise<IntermediateStore>;
  /** Opens it as the run's coordinator; absent: the kind cannot play this role. */
  readonly openCoordinator?: (config: C, context: StoreOpenContext) => Promise<Coordinator>;
}

const ROLE_OPENER = { intermediate: 'openIntermediate', coordinator: 'openCoordinator' } as const;

/** The store kinds a process knows, by name. Built-ins are registered in ./store-kinds.ts. */
export class StoreRegistry {
  private readonly byKind = new Map<string, StoreKindDefinition>();

  register<C extends StoreKindConfig>(definition: StoreKindDefinition<C>): this {
    if (this.byKind.has(definition.kind)) throw new Error(`store kind "${definition.kind}" is already registered`);
    // Safe: a definition is only ever handed configs its own schema produced (configSchema below).
    this.byKind.set(definition.kind, definition as unknown as StoreKindDefinition);
    return this;
  }

  /** Removes a kind (tests that register a fake one clean up with it). */
  unregister(kind: string): void {
    this.byKind.delete(kind);
  }

  find(kind: string): StoreKindDefinition | undefined {
    return this.byKind.get(kind);
  }

  /** Registered kinds that can play `role`, in registration order. */
  kinds(role: StoreRole): string[] {
    return [...this.byKind.values()].filter((d) => d[ROLE_OPENER[role]] !== undefined).map((d) => d.kind);
  }

  /** The definition of a config's kind for `role`; throws naming the kinds that can play it. */
  require(kind: string, role: StoreRole): StoreKindDefinition {
    const definition = this.byKind.get(kind);
    if (definition?.[ROLE_OPENER[role]] === undefined) throw new Error(this.unknownKindMessage(kind, role));
    return definition;
  }

  /** Opens `config` in `role` (a hostLocal kind too: the host that owns it calls this). */
  async open(config: StoreKindConfig, role: 'intermediate', context: StoreOpenContext): Promise<IntermediateStore>;
  async open(config: StoreKindConfig, role: 'coordinator', context: StoreOpenContext): Promise<Coordinator>;
  async open(config: StoreKindConfig, role: StoreRole, context: StoreOpenContext): Promise<IntermediateStore | Coordinator> {
    const definition = this.require(config.kind, role);
    return role === 'intermediate' ? definition.openIntermediate!(config, context) : definition.openCoordinator!(config, context);
  }

  /**
   * A schema for the config of any kind registered for `role` when it parses (so kinds registered
   * later count): the kind's own schema decides, and its issues keep their paths.
   */
  configSchema(role: StoreRole): z.ZodType<StoreKindConfig> {
    return z.looseObject({ kind: z.string() }).transform((value, ctx): StoreKindConfig => {
      const definition = this.byKind.get(value.kind);
      if (definition?.[ROLE_OPENER[role]] === undefined) {
        ctx.addIssue({ code: 'custom', message: this.unknownKindMessage(value.kind, role), path: ['kind'] });
        return z.NEVER;
      }
      const parsed = definition.configSchema.safeParse(value);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      return z.NEVER;
    });
  }

  private unknownKindMessage(kind: string, role: StoreRole): string {
    return `no ${role} store kind "${kind}"; registered: ${this.kinds(role).join(', ')}`;
  }
}
