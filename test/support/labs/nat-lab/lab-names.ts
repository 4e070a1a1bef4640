import { run } from './shell.js';

/**
 * Every namespace of one test run starts with `onl<pid>-`: runs never collide, and a run can tell
 * the leftovers of a crashed earlier run (whose pid is gone) from a concurrent live one.
 * Namespace names may be long; only interface names are limited to 15 characters, and those are
 * short fixed names inside each namespace (eth0, wan0, lan0, br0, r3).
 */
const LAB_NAMESPACE = /^onl(\d+)-\S+$/;

export const labPrefix = (pid = process.pid) => `onl${pid}-`;

/** The names `ip netns list` prints, without the "(id: N)" suffix. */
export async function listNamespaces(): Promise<string[]> {
  const out = await run('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((name) => name.length > 0);
}

export async function labNamespaces(prefix: string): Promise<string[]> {
  return (await listNamespaces()).filter((name) => name.startsWith(prefix));
}

/** Deletes the namespaces left by lab runs whose process no longer exists. */
export async function removeStaleLabNamespaces(): Promise<string[]> {
  const stale = (await listNamespaces()).filter((name) => {
    const match = LAB_NAMESPACE.exec(name);
    return match !== null && !isAlive(Number(match[1]));
  });
  for (const name of stale) await deleteLabNamespace(name);
  return stale;
}

/**
 * Ends whatever still runs inside the namespace (a server or peer a crashed run left behind would
 * otherwise keep it alive after `ip netns delete`), then deletes it. Already gone is fine.
 */
export async function deleteLabNamespace(ns: string): Promise<void> {
  try {
    const pids = (await run('ip', ['netns', 'pids', ns])).split(/\s+/).filter(Boolean);
    for (const pid of pids) killIfAlive(Number(pid));
    await run('ip', ['netns', 'delete', ns]);
  } catch (error) {
    if (!/No such file or directory/.test((error as Error).message)) throw error;
  }
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
