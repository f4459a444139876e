import { translatorFor, type TranslateWith } from '../web/translator';
import { messagesEn, type ConsoleMessageKey } from './messages-en';
import { messagesEs } from './messages-es';
import { messagesPt } from './messages-pt';

/** Translates a console message into the agent's language. */
export type Translate = TranslateWith<ConsoleMessageKey>;

export const translator = translatorFor<ConsoleMessageKey>({ en: messagesEn, es: messagesEs, pt: messagesPt });
