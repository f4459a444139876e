import type { LocaleCatalog } from './message-catalog';

/** Tone per CDC art. 42: no ridicule, constraint or threat, so reminders state facts and offer help. */
export const ptBR: LocaleCatalog = {
  locale: 'pt-BR',
  templates: {
    pre_due_nudge: {
      sms: 'Olá {name}, lembramos que seu pagamento de {amount} vence em {date}.',
      subject: 'Seu pagamento de {amount} vence em {date}',
      body: 'Lembramos que seu pagamento de {amount} vence em {date}. Se já pagou, desconsidere esta mensagem.',
    },
    day_1_reminder: {
      sms: 'Olá {name}, seu pagamento de {amount} venceu em {date} e está em aberto.',
      subject: 'Seu pagamento de {amount} está em aberto',
      body: 'Seu pagamento de {amount}, com vencimento em {date}, está em aberto. Se já pagou, desconsidere esta mensagem.',
    },
    week_1_notice: {
      sms: 'Olá {name}, seu pagamento de {amount} está em atraso desde {date}.',
      subject: 'Aviso: pagamento de {amount} em atraso desde {date}',
      body: 'Seu pagamento de {amount} está em atraso desde {date}. Se precisar de um parcelamento, responda a este e-mail que ajudamos.',
    },
    final_notice: {
      sms: 'Olá {name}, último aviso: seu pagamento de {amount}, em atraso desde {date}, continua em aberto. Fale conosco para combinar uma solução.',
      subject: 'Último aviso: pagamento de {amount} em atraso desde {date}',
      body: 'Este é o nosso último aviso sobre o seu pagamento de {amount}, em atraso desde {date}. Depois deste aviso terminam os nossos lembretes automáticos; fale conosco para combinar um pagamento ou um parcelamento.',
    },
    promise_reminder: {
      sms: 'Olá {name}, lembramos o pagamento de {amount} combinado para {date}.',
      subject: 'Lembrete: pagamento de {amount} em {date}',
      body: 'Lembramos o pagamento que você combinou: {amount} em {date}. Obrigado.',
    },
    installment_reminder: {
      sms: 'Olá {name}, sua parcela de {amount} vence em {date}.',
      subject: 'Sua parcela de {amount} vence em {date}',
      body: 'Lembramos que a parcela do seu acordo, de {amount}, vence em {date}.',
    },
  },
  greeting: 'Olá {name},',
  discountOffer: 'Pagando {amount} até {date}, sua dívida fica quitada.',
  paymentLink: 'Pague aqui: {link}',
  // CDC art. 42-A: name, address and CPF/CNPJ of the supplier on every billing document.
  creditorLine:
    'Credor: {name}{hasAddress, select, yes {, {address}} other {}}{hasTaxId, select, yes {, CPF/CNPJ {taxId}} other {}}',
  optOutSms: 'Responda SAIR para não receber mais mensagens.',
  optOutEmail: 'Para não receber mais e-mails, cancele aqui: {url}',
};
