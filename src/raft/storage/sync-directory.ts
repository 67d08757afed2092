import { open } from 'node:fs/promises';

/**
 * Makes the directory entries of `path` durable (file creations, renames and removals in it)
 * by fsyncing the directory itself. Resolves once the kernel reports them on stable storage.
 */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
