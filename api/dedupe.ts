import type { ApiStore } from './store';

/**
 * Webhook deduplication: a bounded in-memory LRU in front of the database's audit trail (unique dedupe key).
 * Providers redeliver; a key is marked only after its effects were applied, and every effect is idempotent
 * downstream (the workflow keeps the delivery keys it applied; opt-outs and delivery events are unique rows).
 */
export class WebhookDeduper {
  private readonly recent = new Map<string, true>();

  constructor(
    private readonly store: ApiStore,
    private readonly capacity = 10_000
  ) {}

  async seen(key: string): Promise<boolean> {
    if (this.recent.has(key)) return true;
    if (await this.store.webhookAlreadyProcessed(key)) {
      this.remember(key);
      return true;
    }
    return false;
  }

  async mark(key: string, data: { provider: string; accountId?: string; type: string }): Promise<void> {
    await this.store.markWebhookProcessed(key, data);
    this.remember(key);
  }

  private remember(key: string): void {
    this.recent.delete(key);
    this.recent.set(key, true);
    if (this.recent.size > this.capacity) this.recent.delete(this.recent.keys().next().value!);
  }
}
