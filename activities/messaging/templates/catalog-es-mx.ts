import type { LocaleCatalog } from './message-catalog';

export const esMX: LocaleCatalog = {
  locale: 'es-MX',
  templates: {
    pre_due_nudge: {
      sms: 'Hola {name}, te recordamos que tu pago de {amount} vence el {date}.',
      subject: 'Tu pago de {amount} vence el {date}',
      body: 'Te recordamos que tu pago de {amount} vence el {date}. Si ya lo realizaste, ignora este mensaje.',
    },
    day_1_reminder: {
      sms: 'Hola {name}, tu pago de {amount} venció el {date} y sigue pendiente.',
      subject: 'Tu pago de {amount} está pendiente',
      body: 'Tu pago de {amount}, con vencimiento el {date}, sigue pendiente. Si ya pagaste, ignora este mensaje.',
    },
    week_1_notice: {
      sms: 'Hola {name}, tu pago de {amount} sigue vencido desde el {date}.',
      subject: 'Aviso: tu pago de {amount} está vencido desde el {date}',
      body: 'Tu pago de {amount} está vencido desde el {date}. Si necesitas un plan de pagos, responde a este correo y te ayudamos.',
    },
    final_notice: {
      sms: 'Hola {name}, último aviso: tu pago de {amount}, vencido desde el {date}, sigue pendiente. Comunícate con nosotros para acordar una solución.',
      subject: 'Último aviso: tu pago de {amount} está vencido desde el {date}',
      body: 'Este es nuestro último aviso sobre tu pago de {amount}, vencido desde el {date}. Después de este aviso terminan nuestros recordatorios automáticos; comunícate con nosotros para acordar un pago o un plan de pagos.',
    },
    promise_reminder: {
      sms: 'Hola {name}, te recordamos tu compromiso de pago de {amount} para el {date}.',
      subject: 'Recordatorio: tu pago de {amount} del {date}',
      body: 'Te recordamos el compromiso de pago que acordaste: {amount} el {date}. Gracias por tu puntualidad.',
    },
    installment_reminder: {
      sms: 'Hola {name}, tu parcialidad de {amount} vence el {date}.',
      subject: 'Tu parcialidad de {amount} vence el {date}',
      body: 'Te recordamos que la parcialidad de tu convenio por {amount} vence el {date}.',
    },
  },
  greeting: 'Hola {name}:',
  discountOffer: 'Si pagas {amount} a más tardar el {date}, tu deuda queda saldada.',
  paymentLink: 'Paga aquí: {link}',
  creditorLine:
    '{name}{hasAddress, select, yes {, {address}} other {}}{hasTaxId, select, yes {, RFC {taxId}} other {}}',
  optOutSms: 'Responde BAJA para no recibir más mensajes.',
  optOutEmail: 'Para no recibir más correos, date de baja aquí: {url}',
};
