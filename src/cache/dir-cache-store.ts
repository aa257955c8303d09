import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { CacheListing, CacheStore } from './cache-store.js';

/**
 * Cache entries as files under one directory. A write goes to a temporary file in the same
 * directory first and then appears whole: put-if-absent by `link` (which fails when the name
 * exists, so two runs writing the same key cannot clobber each other), replace by `rename`.
 * A read touches the file, so `gc --older-than` removes what was least recently used.
 */
export class DirCacheStore implements CacheStore {
  readonly location: string;
  private readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
    this.location = this.root;
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(name);
    try {
      const bytes = await readFile(path);
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
      return bytes;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async putIfAbsent(name: string, bytes: Uint8Array): Promise<boolean> {
    const temporary = await this.writeTemporary(name, bytes);
    try {
      await link(temporary, this.pathOf(name));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    await rename(await this.writeTemporary(name, bytes), this.pathOf(name));
  }

  async delete(name: string): Promise<void> {
    await unlink(this.pathOf(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async list(): Promise<CacheListing[]> {
    const listings: CacheListing[] = [];
    for (const folder of ['e', 'n']) {
      let names: string[];
      try {
        names = await readdir(join(this.root, folder));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      for (const name of names) {
        if (name.startsWith('.tmp-')) continue;
        const info = await stat(join(this.root, folder, name)).catch(() => undefined);
        if (info?.isFile()) listings.push({ name: `${folder}/${name}`, bytes: info.size, usedAt: info.mtimeMs });
      }
    }
    return listings;
  }

  async close(): Promise<void> {}

  private pathOf(name: string): string {
    const path = resolve(this.root, name);
    // Names are made here (hex keys), but a path outside the root is refused all the same.
    if (relative(this.root, path).startsWith(`..${sep}`)) throw new Error(`cache entry name outside the cache: ${name}`);
    return path;
  }

  private async writeTemporary(name: string, bytes: Uint8Array): Promise<string> {
    const path = this.pathOf(name);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.tmp-${randomBytes(6).toString('hex')}`);
    await writeFile(temporary, bytes);
    return temporary;
  }
}
