import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { sleep } from './stats.mjs';

/** Every child still running, so that an exit or a signal can stop them all. */
const live = new Set();

export function killAllChildren() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Runs `node <args>` pinned to `core` with taskset (the pid is node's once exec'd). */
function spawnPinned(core, args, options) {
  const command = core === undefined ? process.execPath : 'taskset';
  const argv = core === undefined ? args : ['-c', String(core), process.execPath, ...args];
  return track(spawn(command, argv, options));
}

async function freePort(kind) {
  if (kind === 'udp') {
    const socket = createSocket('udp4');
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port } = socket.address();
    await new Promise((resolve) => socket.close(resolve));
    return port;
  }
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function ping(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', timeout: 500 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Starts a server (`entry` with Orion's flags) pinned to `core`, its output going to
 * `logFile`, and resolves once GET /ping answers. `stop()` sends SIGTERM, then SIGKILL.
 * The free ports are probed just before the start, so a start that loses one of them
 * to another process is retried on new ports.
 */
export async function startServer(options, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(options);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

async function startOnFreePorts({
  cwd,
  entry,
  core,
  nodeArgs = [],
  flags,
  logFile,
  readyMs = 30_000,
}) {
  const httpPort = await freePort('tcp');
  const udpPort = await freePort('udp');
  const log = openSync(logFile, 'w');
  const args = [...nodeArgs, entry, '--host', '127.0.0.1', '--httpPort', String(httpPort)];
  args.push('--udpPort', String(udpPort), ...flags);
  const child = spawnPinned(core, args, { cwd, stdio: ['ignore', log, log] });
  closeSync(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = performance.now() + readyMs;
  while (!(await ping(httpPort))) {
    if (exited || performance.now() > deadline) {
      child.kill('SIGKILL');
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n');
      throw new Error(`${entry} did not become ready:\n${tail}`);
    }
    await sleep(100);
  }
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  };
  return { pid: child.pid, httpPort, udpPort, stop };
}

/**
 * Runs the load generator pinned to `core` with `config`, answering its marks with
 * `onMark(name, generatorPid)` (awaited when it returns a promise) before acknowledging;
 * resolves with its result. A failing `onMark` stops the generator and rejects.
 */
export function runGenerator({ cwd, entry, core, config, onMark, timeoutMs }) {
  const child = spawnPinned(core, [entry, JSON.stringify(config)], {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result;
    let failure;
    const timer = setTimeout(() => {
      failure = `the generator did not finish in ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message) => {
      if (message.type === 'mark') {
        const { name } = message;
        Promise.resolve()
          .then(() => onMark(name, child.pid))
          .then(
            () => child.connected && child.send({ type: 'ack', name }),
            (error) => {
              failure = `sampling at mark ${name} failed: ${error.message}`;
              child.kill('SIGKILL');
            },
          );
      } else if (message.type === 'result') result = message.result;
      else if (message.type === 'error') failure = message.message;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new Error(failure ?? `the generator exited with ${code ?? signal}`));
    });
  });
}
