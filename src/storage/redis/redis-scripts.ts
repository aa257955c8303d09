import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the Redis adapters, read once at module load from `./lua/` next to this
 * module (in dist/ too: scripts/copy-assets.mjs puts them there) and registered on a client with
 * defineCommand, so ioredis sends EVALSHA and falls back to EVAL once per server.
 */
function luaScript(name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
}

const SCRIPTS = {
  wukongFanInMark: { lua: luaScript('fan-in-mark'), numberOfKeys: 2 },
  wukongClaim: { lua: luaScript('claim'), numberOfKeys: 1 },
  wukongTakeAll: { lua: luaScript('take-all'), numberOfKeys: 1 },
} as const;

/** The scripts' commands, argument for argument as in their KEYS/ARGV headers. */
export interface WukongScriptCommands {
  /** fan-in-mark.lua: [complete 0|1, marked, duplicate 0|1]. */
  wukongFanInMark(marksKey: string, completerKey: string, parentId: string, expected: number, ttlSeconds: number): Promise<[number, number, number]>;
  /** claim.lua: 1 when `owner` holds the claim after the call. */
  wukongClaim(claimKey: string, owner: string, ttlSeconds: number): Promise<number>;
  /** take-all.lua: every message of the inbox, oldest first. */
  wukongTakeAll(inboxKey: string): Promise<string[]>;
}

export type ScriptedRedis = Redis & WukongScriptCommands;

/** The scripts' source, for tests that check the server caches them (SCRIPT EXISTS). */
export const LUA_SOURCES: Readonly<Record<keyof WukongScriptCommands, string>> = {
  wukongFanInMark: SCRIPTS.wukongFanInMark.lua,
  wukongClaim: SCRIPTS.wukongClaim.lua,
  wukongTakeAll: SCRIPTS.wukongTakeAll.lua,
};

/** Registers the scripts on `client` (once; a shared client may already have them). */
export function withScripts(client: Redis): ScriptedRedis {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (typeof (client as unknown as Record<string, unknown>)[name] !== 'function') client.defineCommand(name, definition);
  }
  return client as ScriptedRedis;
}
