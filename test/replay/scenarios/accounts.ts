import { ana as anaLopez } from '../../../scenarios/personas';
import type { Account } from '../../../workflows/account';
import { contactPolicyFor } from '../../../workflows/jurisdictions';
import { defaultLadder } from '../../../workflows/ladder';
import type { DunningWorkflowInput } from '../../../workflows/workflow-input';

/** The replay scenarios' debtors are the shared personas (their spreads fix the instants the scenarios write). */
export { LOJA_EXEMPLO, camila, joao } from '../../../scenarios/personas';

/** Ana pays through her link, which every message to her carries. */
export const ana = (over: Partial<Account> = {}): Account =>
  anaLopez({ paymentLink: 'https://pagos.example.mx/p/acc-mx-ana-001', ...over });

/** The workflow input for an account on the default ladder under its jurisdiction's policy. */
export function inputFor(account: Account, over: Partial<DunningWorkflowInput> = {}): DunningWorkflowInput {
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  if (!policy) throw new Error(`no policy for ${account.debtor.jurisdiction}`);
  return { account, ladder: defaultLadder, policy, ...over };
}
