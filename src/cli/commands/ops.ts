import type { Command } from 'commander';
import * as z from 'zod';
import type { OpDefinition } from '../../ops/op-definition.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';

/** One op as `wukong ops --json` lists it. */
interface OpListing {
  name: string;
  description: string;
  arity: { min: number; max: number | null };
  outputs: number;
  args: unknown;
  source: string | null;
}

/** `wukong ops [--json] [--ops ...]`: every op (built-ins and user modules) with its args and arity. */
export function registerOpsCommand(program: Command): void {
  withOpsOptions(
    program
      .command('ops')
      .description('list every op (built-ins and the user op modules of --ops / wukong.config.json): description, arity, args schema'),
  )
    .option('--json', 'print one JSON array')
    .addHelpText('after', '\nExit status: 0, or 2 when an op module does not load, exports nothing usable, or defines an op twice.')
    .action(async (flags: OpsFlags & { json?: boolean }) => {
      const { registry } = await opsFromFlags(flags);
      const listings = registry.names().map((name) => listing(registry.get(name)));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(listings)}\n`);
        return;
      }
      const lines = listings.map((op) => `${op.name}  (${arityText(op.arity)} -> ${op.outputs})${op.source ? `  [${op.source}]` : ''}\n    ${op.description}\n    args: ${argsText(op.args)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function listing(op: OpDefinition): OpListing {
  let args: unknown;
  try {
    args = z.toJSONSchema(op.args, { io: 'input', unrepresentable: 'any' });
  } catch {
    args = null;
  }
  return { name: op.name, description: op.description, arity: { min: op.arity.min, max: Number.isFinite(op.arity.max) ? op.arity.max : null }, outputs: op.outputs, args, source: op.source ?? null };
}

function arityText(arity: OpListing['arity']): string {
  if (arity.max === null) return `${arity.min}+ inputs`;
  return arity.min === arity.max ? `${arity.min} input${arity.min === 1 ? '' : 's'}` : `${arity.min}-${arity.max} inputs`;
}

function argsText(schema: unknown): string {
  const properties = (schema as { properties?: Record<string, { type?: unknown; default?: unknown }> } | null)?.properties;
  if (!properties || Object.keys(properties).length === 0) return '(none)';
  const required = new Set((schema as { required?: string[] }).required ?? []);
  return Object.entries(properties)
    .map(([key, value]) => `${key}${required.has(key) ? '' : '?'}: ${Array.isArray(value.type) ? value.type.join('|') : String(value.type ?? 'any')}${value.default === undefined ? '' : ` = ${JSON.stringify(value.default)}`}`)
    .join(', ');
}
