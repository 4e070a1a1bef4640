import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** UDP helpers for the SDK's unit specs; excluded from the build. Loopback only. */

/** Sockets opened by a spec, closed together in afterEach. */
export class SocketPool {
  private readonly sockets: Socket[] = [];

  async bind(): Promise<Socket> {
    const socket = createSocket('udp4');
    this.sockets.push(socket);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return socket;
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      this.sockets.splice(0).map(
        (socket) =>
          new Promise<void>((resolve) => {
            try {
              socket.close(() => resolve());
            } catch {
              resolve();
            }
          }),
      ),
    );
  }
}

export const portOf = (socket: Socket) => socket.address().port;

/** The next datagram `socket` receives, or an error after `timeoutMs`. */
export function nextDatagram(
  socket: Socket,
  timeoutMs = 2_000,
): Promise<{ data: Buffer; from: RemoteInfo }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error(`no datagram within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (data: Buffer, from: RemoteInfo) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve({ data, from });
    };
    socket.on('message', onMessage);
  });
}

/** Every datagram `socket` receives from now on, as text. */
export function recordDatagrams(socket: Socket): string[] {
  const seen: string[] = [];
  socket.on('message', (data) => seen.push(data.toString('utf8')));
  return seen;
}

export function send(socket: Socket, data: string | Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(data, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
