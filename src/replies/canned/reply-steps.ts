/**
 * The after-sales playbook as an agent works through it: canned replies are filed under a step,
 * and the queue uses the same order to say what comes next.
 */
export const REPLY_STEPS = ['contact', 'verify', 'apologise', 'propose', 'followUp', 'archive'] as const;
export type ReplyStep = (typeof REPLY_STEPS)[number];
