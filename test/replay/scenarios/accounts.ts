import { ANA_PAYMENT_LINK } from '../../../scenarios/histories/ana-ladder';
import { ana as anaLopez } from '../../../scenarios/personas';
import type { Account } from '../../../workflows/engine/account';

/** The replay scenarios' debtors are the shared personas (their spreads fix the instants the scenarios write). */
export { LOJA_EXEMPLO, camila, joao } from '../../../scenarios/personas';

/** Ana pays through her link, which every message to her carries. */
export const ana = (over: Partial<Account> = {}): Account => anaLopez({ paymentLink: ANA_PAYMENT_LINK, ...over });
