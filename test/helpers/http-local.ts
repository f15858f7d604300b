import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A handler answering 200 with `body` (tests serve feeds and downloads with it). */
export const serveBody =
  (body: Buffer, type = "application/json"): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": type, "content-length": body.length });
    res.end(body);
  };

/** An HTTP server on 127.0.0.1 (closed when the test ends); resolves to its base URL. */
export async function listenLocal(
  t: { after: (fn: () => Promise<void>) => void },
  handler: Handler,
): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
