import type { LocaleCatalog } from './message-catalog';

export const esES: LocaleCatalog = {
  locale: 'es-ES',
  templates: {
    pre_due_nudge: {
      sms: 'Hola {name}, te recordamos que tu pago de {amount} vence el {date}.',
      subject: 'Tu pago de {amount} vence el {date}',
      body: 'Te recordamos que tu pago de {amount} vence el {date}. Si ya lo has realizado, ignora este mensaje.',
    },
    day_1_reminder: {
      sms: 'Hola {name}, tu pago de {amount} venció el {date} y sigue pendiente.',
      subject: 'Tu pago de {amount} está pendiente',
      body: 'Tu pago de {amount}, con vencimiento el {date}, sigue pendiente. Si ya has pagado, ignora este mensaje.',
    },
    week_1_notice: {
      sms: 'Hola {name}, tu pago de {amount} sigue vencido desde el {date}.',
      subject: 'Aviso: tu pago de {amount} está vencido desde el {date}',
      body: 'Tu pago de {amount} está vencido desde el {date}. Si necesitas fraccionarlo, responde a este correo y te ayudamos.',
    },
    final_notice: {
      sms: 'Hola {name}, último aviso: tu pago de {amount}, vencido desde el {date}, sigue pendiente. Contacta con nosotros para acordar una solución.',
      subject: 'Último aviso: tu pago de {amount} está vencido desde el {date}',
      body: 'Este es nuestro último aviso sobre tu pago de {amount}, vencido desde el {date}. Tras este aviso terminan nuestros recordatorios automáticos; contacta con nosotros para acordar un pago o un fraccionamiento.',
    },
    promise_reminder: {
      sms: 'Hola {name}, te recordamos tu compromiso de pago de {amount} para el {date}.',
      subject: 'Recordatorio: tu pago de {amount} del {date}',
      body: 'Te recordamos el compromiso de pago que acordaste: {amount} el {date}. Gracias.',
    },
    installment_reminder: {
      sms: 'Hola {name}, tu plazo de {amount} vence el {date}.',
      subject: 'Tu plazo de {amount} vence el {date}',
      body: 'Te recordamos que el plazo de tu acuerdo de pago por {amount} vence el {date}.',
    },
  },
  greeting: 'Hola {name}:',
  discountOffer: 'Si pagas {amount} antes del {date} inclusive, tu deuda queda saldada.',
  paymentLink: 'Paga aquí: {link}',
  creditorLine:
    '{name}{hasAddress, select, yes {, {address}} other {}}{hasTaxId, select, yes {, NIF {taxId}} other {}}',
  optOutSms: 'Responde BAJA para no recibir más mensajes.',
  optOutEmail: 'Para no recibir más correos, date de baja aquí: {url}',
};
