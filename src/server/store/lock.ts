import { open, readFile, rm } from 'node:fs/promises';
import { StoreError } from './errors.ts';

/**
 * A lock file holding the owner's pid, so that two mt2d processes never write the same
 * store. A lock left by a process that died (kill -9) is taken over: its pid is gone.
 */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new StoreError('STORE_LOCKED', `the store is in use by process ${owner}`);
      }
      await rm(path, { force: true });
    }
  }
  throw new StoreError('STORE_LOCKED', `could not take the lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
