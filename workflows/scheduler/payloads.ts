// Validators of what the scheduler receives. A signal is written to the history before any code
// sees it, so validation happens in the handler: a payload that fails is logged and dropped, and
// leaves no trace in the scheduler's state (a submit whose sender is known is refused, so its
// execution ends with the reason instead of waiting forever).
import { z } from 'zod';

const amount = z.number().finite().nonnegative();
const executionId = z.number().int().positive();

const instanceSchema = z.strictObject({
  instance: z.string().min(1),
  memory: amount,
  cores: amount,
  labels: z.array(z.string().min(1)),
  essential: z.boolean(),
});

export const submitPayload = z.strictObject({
  workflowId: z.string().min(1),
  request: z.strictObject({
    executionId,
    submittedAt: z.number().finite(),
    size: z.number().finite(),
    instances: z.array(instanceSchema).min(1)
      .refine((instances) => new Set(instances.map((i) => i.instance)).size === instances.length, 'instance names must be unique')
      .refine((instances) => instances.some((i) => i.essential), 'at least one instance must be essential'),
  }),
});

export const releasePayload = z.strictObject({ executionId });

export const releaseInstancesPayload = z.strictObject({ executionId, instances: z.array(z.string().min(1)).min(1) });

export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The payload, or one sentence naming every problem by its path. */
export function check<T>(schema: z.ZodType<T>, payload: unknown): Verdict<T> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issue.message}`);
  return { ok: false, reason: `invalid scheduler message: ${problems.join('; ')}` };
}
