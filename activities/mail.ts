// The scheduler's outgoing mail, sent by an activity with the Temporal client. A signal sent from a
// workflow costs its history two events and a workflow task per signal (the delivery is reported
// back); sent from here, a whole pass's signals cost three events, so a burst of thousands of
// admissions no longer floods the scheduler's history nor waits on it. A retried attempt may send
// a signal again: executions ignore a sequence number they have already seen. What a letter
// carries is defined with the scheduler's messages (workflows/messages.ts), the one table the
// scheduler, this activity and the executions' handlers share.
import { heartbeat } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Letter } from '../workflows/messages.js';

/** How many executions are signalled at once. */
const CONCURRENCY = 32;

export function createMailActivities(client: Client) {
  return {
    /** Delivers every letter; answers the workflows that no longer run (they hold nothing any more). */
    async deliverMail(letters: Letter[]): Promise<{ gone: string[] }> {
      const gone: string[] = [];
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, letters.length) }, async () => {
        for (let i = next++; i < letters.length; i = next++) {
          const letter = letters[i]!;
          const handle = client.workflow.getHandle(letter.workflowId);
          for (const { name, payload } of letter.signals) {
            try {
              await handle.signal(name, payload);
            } catch (error) {
              if (!(error instanceof WorkflowNotFoundError)) throw error;
              gone.push(letter.workflowId);
              break;
            }
          }
          heartbeat();
        }
      }));
      return { gone };
    },
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
