import type { Kysely } from 'kysely';
import { createContactAttemptStore } from '../db/repositories/contact-attempts';
import type { Database } from '../db/schema';
import type { DunningActivities } from '../workflows/activity-contracts';
import { createDatabaseActivities, currentWorkflowId, recordActed } from './database-activities';
import { createMessagingActivities } from './messaging/create-messaging-activities';
import type { MessagingTransports } from './messaging/messaging-config';
import type { MessagingLogger } from './messaging/transport';
import { sendWithRecords } from './send-with-records';

export interface ActivityDeps {
  db: Kysely<Database>;
  /** Provider clients (or log transports), callback URLs and the configured creditor: see createTransportsFromEnv. */
  messaging: MessagingTransports;
  logger: MessagingLogger;
}

/** Every activity the dunning workflow schedules, over injected clients (no module singletons). */
export function createActivities(deps: ActivityDeps): DunningActivities {
  const database = createDatabaseActivities({ db: deps.db });
  const messaging = createMessagingActivities({
    ...deps.messaging,
    attempts: createContactAttemptStore(deps.db),
    logger: deps.logger,
  });
  const sendMessage = sendWithRecords(
    messaging.sendMessage,
    (input) => database.recordAccountChanges(input),
    (accountId, change) => recordActed(deps.db, accountId, currentWorkflowId(), change)
  );
  return { ...database, sendMessage };
}
