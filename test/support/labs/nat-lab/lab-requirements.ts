import { labPrefix } from './lab-names.js';
import { runSync } from './shell.js';

/**
 * Why the NAT lab cannot run here, or undefined when it can. Checked synchronously because
 * `describe.skipIf` needs the answer while Vitest collects the tests. Creating (and deleting) a
 * probe namespace with a NAT rule is the only test that covers every cause: not root, no `ip`,
 * no `iptables`, or a sandbox that forbids namespaces or netfilter.
 */
export function natLabUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces exist only on Linux';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  for (const [tool, args] of [
    ['ip', ['-V']],
    ['iptables', ['--version']],
  ] as const) {
    try {
      runSync(tool, [...args]);
    } catch {
      return `\`${tool}\` is not installed (Debian: apt-get install -y iproute2 iptables)`;
    }
  }
  const probe = `${labPrefix()}probe`;
  try {
    runSync('ip', ['netns', 'add', probe]);
    runSync('ip', ['netns', 'exec', probe, 'iptables', '-w', '5', '-t', 'nat', '-L', '-n']);
    return undefined;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    return `a network namespace with iptables NAT could not be set up: ${detail}`;
  } finally {
    try {
      runSync('ip', ['netns', 'delete', probe]);
    } catch {
      // It was never created.
    }
  }
}
