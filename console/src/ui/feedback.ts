/**
 * Toasts, notices and confirmations, loaded on first use: the sign-in page and the queue show none, so
 * antd's message/notification/modal code stays out of the initial download.
 */
type Kind = 'success' | 'error' | 'info' | 'warning';

const load = () => import('./feedback-impl');

const toast = (kind: Kind) => (text: string) => void load().then(({ message }) => message[kind](text));

export const message = { success: toast('success'), error: toast('error'), info: toast('info'), warning: toast('warning') };

export const notify = (text: string) => void load().then(({ notification }) => notification.info({ title: text, placement: 'bottomRight' }));

export function confirm(options: { title: string; okText: string; cancelText: string; onOk: () => Promise<void> | void }): void {
  void load().then(({ Modal }) => Modal.confirm(options));
}
