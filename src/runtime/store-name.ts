import type { StoreConfig } from './store-config.js';

/**
 * The coordination store as messages name it: `redis host:port` (never the password), or
 * undefined for the memory store (the run client then says "the coordination store").
 */
export function coordinatorName(stores: StoreConfig): string | undefined {
  const { kind, url } = stores.coordinator as { kind: string; url?: unknown };
  if (kind !== 'redis' || typeof url !== 'string') return undefined;
  const parsed = new URL(url);
  return `redis ${parsed.hostname}:${parsed.port || '6379'}`;
}

/** `{ coordinatorName }` for the run client's deps, or nothing for the memory store. */
export function withCoordinatorName(stores: StoreConfig): { coordinatorName?: string } {
  const name = coordinatorName(stores);
  return name === undefined ? {} : { coordinatorName: name };
}

/** A store part as messages name it: `redis host:port` (never the password), `s3://bucket`, or its kind. */
export function storeLabel(part: { readonly kind: string }): string {
  const { kind, url, bucket } = part as { kind: string; url?: unknown; bucket?: unknown };
  if (kind === 'redis' && typeof url === 'string') {
    const parsed = new URL(url);
    return `redis ${parsed.hostname}:${parsed.port || '6379'}`;
  }
  if (kind === 's3' && typeof bucket === 'string') return `s3://${bucket}`;
  return `the ${kind} store`;
}
