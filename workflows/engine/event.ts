import type {
  AgentContactInput,
  AgreementInput,
  CancelInput,
  DeliveryStatusInput,
  DisputeOpenedInput,
  DisputeResolvedInput,
  HoldPlacedInput,
  HoldReleasedInput,
  OptOutInput,
  PaymentInput,
  PromiseInput,
} from './account-events';
import type { Channel } from './account';
import type { ContactDeadline } from './contact-rules';
import type { ActDecision } from './next';

type At = { at: number };

/** Everything that can happen to an account: what the outside world reports, and the engine's own actions. */
export type EngineEvent =
  | ({ type: 'payment' } & At & PaymentInput)
  | ({ type: 'promise' } & At & PromiseInput)
  | ({ type: 'agreement' } & At & AgreementInput)
  | ({ type: 'disputeOpened' } & At & DisputeOpenedInput)
  | ({ type: 'disputeResolved' } & At & DisputeResolvedInput)
  | ({ type: 'holdPlaced' } & At & HoldPlacedInput)
  | ({ type: 'holdReleased' } & At & HoldReleasedInput)
  | ({ type: 'optOut' } & At & OptOutInput)
  | ({ type: 'deliveryStatus' } & At & DeliveryStatusInput)
  | ({ type: 'cancel' } & At & CancelInput)
  | ({ type: 'agentContact' } & At & AgentContactInput)
  | ({ type: 'actionStarted' } & At & { decision: ActDecision })
  | ({ type: 'actionSucceeded' } & At & {
        stepKey: string;
        channel?: Channel;
        providerMessageId?: string;
        taskId?: string;
      })
  | ({ type: 'actionFailed' } & At & {
        stepKey: string;
        channel?: Channel;
        permanent: boolean;
        reason: string;
        code?: string;
      })
  /** The send's contact deadline passed before the message went out: nothing was sent, the step is still to do. */
  | ({ type: 'actionDeferred' } & At & { stepKey: string; channel: Channel; deadline: ContactDeadline })
  | ({ type: 'signalRejected' } & At & { signal: string; problem: string });

/** The event of one type, e.g. `EventOf<'payment'>`. */
export type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
