// Starting and stopping the fakes' HTTP servers, on 127.0.0.1 only.

import type { Server } from 'node:http';

/** Listens on a free port of 127.0.0.1. */
export function listenOnLoopback(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

/** Closes the server and every connection still open (kept-alive sockets included). */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The whole request body. */
export async function readBody(req: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
