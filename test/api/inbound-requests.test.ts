import { describe, expect, it } from 'vitest';
import { inboundRequest } from '../../api/inbound-requests';
import { optOutKeyword } from '../../api/opt-out-keywords';

describe('what a debtor asks for by text', () => {
  it.each([
    ['SALDO', 'SALDO', 'balance'],
    ['saldo?', 'SALDO', 'balance'],
    ['Saldo por favor', 'SALDO', 'balance'],
    ['¿Cuánto debo?', 'CUANTO DEBO', 'balance'],
    ['Quanto devo?', 'QUANTO DEVO', 'balance'],
    ['balance', 'BALANCE', 'balance'],
    ['Pague', 'PAGUE', 'promise'],
    ['promesa de pago', 'PROMESA', 'promise'],
    ['Promessa', 'PROMESSA', 'promise'],
    ['PROMISE', 'PROMISE', 'promise'],
  ])('reads %j as %s (%s)', (text, keyword, request) => {
    expect(inboundRequest(text)).toEqual({ keyword, request });
  });

  it('reads an ordinary reply as no request', () => {
    for (const text of ['', 'Hola, ya pagué ayer', 'ok gracias', 'el saldo está mal'])
      expect(inboundRequest(text)).toBeNull();
  });

  it('leaves STOP and its siblings to the opt-out, which the webhook checks first', () => {
    for (const text of ['STOP', 'Baja', 'NO MÁS', 'sair']) {
      expect(inboundRequest(text)).toBeNull();
      expect(optOutKeyword(text)).not.toBeNull();
    }
  });
});
