import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TemporalServers } from '../../cli/temporal-servers-command';
import { freePorts } from '../../loopback/free-ports';
import { spawnGrouped, tail } from '../../loopback/process-group';

/** Fixed keys for the child's API: tests call it as a billing system (service), an agent and an admin. */
export const DEMO_API_KEYS = {
  service: 'svc_demo_facturacion_01',
  agent: 'agt_demo_mariana_01',
  admin: 'adm_demo_operaciones_01',
} as const;

/** The account the demo names first, as its banner says: due now, or when the first contact window opens. */
export type DemoFirstAccount =
  | { kind: 'due-now'; accountId: string; jurisdiction: string; zone: string }
  | { kind: 'window-closed'; accountId: string; jurisdiction: string; local: string; zone: string };

export interface DevDemoBanner {
  api: string;
  uiUrl: string;
  temporalAddress: string;
  namespace: string;
  codecUrl: string;
  /** João's own page, signed as his messages' links are. */
  debtorPage: string;
  /** The agent console, and what the banner says to sign in with. */
  console: { url: string; signInWith: string };
  placed: { httpStatus: number; accounts: number };
  first: DemoFirstAccount;
}

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The child did not exit within the bound and its process group was killed. */
  killed: boolean;
  /** Processes of the child's group still alive 10 s after it exited (then killed), as `pid state command`. */
  leftovers: string[];
  output: string;
}

export interface DevDemoProcess {
  banner: DevDemoBanner;
  /** Everything the child wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the first match in the output; rejects after `timeoutMs` or when the child exits first. */
  waitForOutput(pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Sends `signal` to npm (as a supervisor does) or to the whole process group (as Ctrl-C in a terminal does). */
  stop(signal: 'SIGTERM' | 'SIGINT', to: 'npm' | 'group', boundMs?: number): Promise<StopResult>;
}

/**
 * README's `npm run dev -- --demo` as a child process in its own process group, on free ports, with a temporary
 * DATA_DIR, fixed API keys and the Temporal CLI global setup obtained. Resolves once the banner and the demo lines
 * are printed.
 */
export async function startDevDemo(servers: TemporalServers, startBoundMs = 180_000): Promise<DevDemoProcess> {
  // A free port can be taken by another process between our probe and the child's bind: try again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(servers, startBoundMs);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === 3) throw err;
    }
  }
}

class PortTakenError extends Error {}

async function launch(servers: TemporalServers, startBoundMs: number): Promise<DevDemoProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cobranza-dev-demo-'));
  const [port, uiPort, codecPort, metricsPort] = await freePorts(4);
  // A clean environment: nothing from the test run (TEMPORAL_ADDRESS, npm_config_*, DATABASE_URL) leaks in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.TMPDIR && { TMPDIR: process.env.TMPDIR }),
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_UI_PORT: String(uiPort),
    CODEC_SERVER_PORT: String(codecPort),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
    API_KEYS: `${DEMO_API_KEYS.service}:service,${DEMO_API_KEYS.agent}:agent,${DEMO_API_KEYS.admin}:admin`,
    TEMPORAL_CLI_PATH: servers.cli.path,
  };
  const child = spawnGrouped('npm run dev', 'npm', ['run', 'dev', '--', '--demo'], env);
  const { pgid, exited, output } = child;
  const waitForOutput = (pattern: RegExp, what: string, timeoutMs: number) =>
    child.waitFor(() => output().match(pattern) ?? undefined, what, timeoutMs);

  const stop = async (signal: 'SIGTERM' | 'SIGINT', to: 'npm' | 'group', boundMs = 60_000): Promise<StopResult> => {
    if (!child.exit()) process.kill(to === 'npm' ? pgid : -pgid, signal);
    let killed = false;
    const bound = new Promise<'bound'>((resolve) => setTimeout(() => resolve('bound'), boundMs).unref());
    if ((await Promise.race([exited, bound])) === 'bound') {
      killed = true;
      child.signalGroup('SIGKILL');
    }
    const { code, signal: exitSignal } = await exited;
    // npm exits with its child; what that child started (the Temporal dev server) must be gone too, soon after.
    const leftovers = await groupMembersAfter(pgid, 10_000);
    if (leftovers.length > 0) child.signalGroup('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    return { code, signal: exitSignal, killed, leftovers, output: output() };
  };

  let banner: DevDemoBanner;
  try {
    await waitForOutput(/^open the Temporal UI to watch the workflows: /m, 'banner and demo lines', startBoundMs);
    banner = parseBanner(output());
  } catch (err) {
    const { output: out } = await stop('SIGTERM', 'npm', 30_000);
    if (/EADDRINUSE|address already in use/.test(out)) throw new PortTakenError((err as Error).message);
    throw err;
  }
  return { banner, output, waitForOutput, stop };
}

function parseBanner(out: string): DevDemoBanner {
  const field = (pattern: RegExp, what: string) => {
    const m = out.match(pattern);
    if (!m) throw new Error(`the banner has no ${what}:\n${tail(out)}`);
    return m;
  };
  const temporal = field(/^ {2}Temporal {2,}(\S+) namespace (\S+)/m, 'Temporal address');
  const placed = field(/^demo portfolio placed: HTTP (\d+), (\d+) accounts$/m, '"demo portfolio placed" line');
  const dueNow = out.match(/^ {2}due now: (\S+) \((\S+), \S+ in (\S+)\): its day-1 SMS goes out at once$/m);
  const closed = out.match(
    /^ {2}no jurisdiction's contact window is open now; the first message, (\S+)'s \((\S+)\), may go at (\S+) \((\S+)\)$/m
  );
  let first: DemoFirstAccount;
  if (dueNow) first = { kind: 'due-now', accountId: dueNow[1]!, jurisdiction: dueNow[2]!, zone: dueNow[3]! };
  else if (closed)
    first = {
      kind: 'window-closed',
      accountId: closed[1]!,
      jurisdiction: closed[2]!,
      local: closed[3]!,
      zone: closed[4]!,
    };
  else throw new Error(`the demo names no first account ("due now: …" or "no jurisdiction's …"):\n${tail(out)}`);
  return {
    api: field(/^ {2}API {2,}(\S+)/m, 'API URL')[1]!,
    uiUrl: field(/^ {2}Temporal UI {2,}(\S+)/m, 'Temporal UI URL')[1]!,
    temporalAddress: temporal[1]!,
    namespace: temporal[2]!,
    codecUrl: field(/^ {2}Codec server {2,}(\S+)/m, 'codec server URL')[1]!,
    debtorPage: field(/^ {2}debtor's page: (\S+) /m, "debtor's page line")[1]!,
    console: (([, url, signInWith]) => ({ url: url!, signInWith: signInWith! }))(
      field(/^ {2}Agent console {2,}(\S+) {2}\(sign in with (.+)\)$/m, 'agent console line')
    ),
    placed: { httpStatus: Number(placed[1]), accounts: Number(placed[2]) },
    first,
  };
}

/** The live processes of the group (`pid state command`) still there after `graceMs`; empty once it is gone. */
async function groupMembersAfter(pgid: number, graceMs: number): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const members = groupMembers(pgid);
    if (members.length === 0 || Date.now() >= deadline) return members;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function groupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== pgid || state === 'Z') continue;
      members.push(`${pid} ${state} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {
      // Exited while we looked.
    }
  }
  return members;
}
