import type { RecordedRequest, ProviderSimulator } from '../../loopback/provider-simulator';
import { SERVICE_KEY } from './cobranza-stack';

/** `POST /v1/accounts/batch`; resolves with the answer once every item was placed (or refused). */
export async function placeBatch(
  apiUrl: string,
  accounts: readonly unknown[]
): Promise<{ created: number; existing: number; failed: number; problems: unknown[] }> {
  const res = await fetch(`${apiUrl}/v1/accounts/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(accounts),
  });
  if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as {
    created: number;
    existing: number;
    failed: number;
    results: { status: number; problem?: unknown }[];
  };
  return { ...body, problems: body.results.filter((r) => r.status >= 400).map((r) => r.problem) };
}

/** The workflow id a Twilio request was made for: its StatusCallback carries `?wf=`. */
export function workflowOf(request: RecordedRequest): string | undefined {
  const callback = request.form?.StatusCallback;
  return callback ? (new URL(callback).searchParams.get('wf') ?? undefined) : undefined;
}

/** The first Twilio request the simulator received for each workflow. */
export function firstRequestByWorkflow(simulator: ProviderSimulator): Map<string, RecordedRequest> {
  const first = new Map<string, RecordedRequest>();
  for (const r of simulator.twilioMessages()) {
    const wf = workflowOf(r);
    if (wf !== undefined && !first.has(wf)) first.set(wf, r);
  }
  return first;
}

/** Polls `probe` every `intervalMs` until it returns true; throws after `boundMs` with `what` in the message. */
export async function until(probe: () => boolean | Promise<boolean>, what: string, boundMs: number, intervalMs = 250) {
  const deadline = Date.now() + boundMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs / 1000} s`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
