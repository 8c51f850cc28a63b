import { afterAll, beforeAll } from "@jest/globals";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Serves a registered function through the framework's own middleware on 127.0.0.1 for the enclosing describe. */
export function useFrameworkServer(functionName: string): { url: () => string } {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = getTestServer(functionName);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: () => url };
}
