// Web and worker-health ports for `pnpm start`. A default port that is taken
// (a second checkout already running) is swapped for a free one, said aloud;
// a port the user set explicitly is never swapped: it is an error that says so.
import { freePort } from "./free-port";
import { isPortFree } from "./pg-port";

async function choosePort(name: string, port: number, explicit: boolean, say: (l: string) => void): Promise<number> {
  if (port === 0 || (await isPortFree(port))) return port;
  if (explicit)
    throw new Error(`${name}=${port} is already in use by another program: stop it, or set ${name} to a free port`);
  const other = await freePort();
  say(`Port ${port} (the default ${name}) is in use, perhaps by another checkout; using ${other} instead.`);
  return other;
}

export async function chooseAppPorts(opts: {
  webPort: number;
  workerHealthPort: number;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}): Promise<{ webPort: number; workerHealthPort: number }> {
  const webPort = await choosePort("WEB_PORT", opts.webPort, !!opts.env.WEB_PORT, opts.say);
  const workerHealthPort = await choosePort(
    "WORKER_HEALTH_PORT",
    opts.workerHealthPort,
    !!opts.env.WORKER_HEALTH_PORT,
    opts.say,
  );
  return { webPort, workerHealthPort };
}
