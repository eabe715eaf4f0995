// Names and labels of Zoe's containers, derived from the deployment, the execution and the
// service instance only: the same inputs always give the same name, which is what makes a
// retried start idempotent and lets reconciliation find every container Zoe owns.

/** The original Zoe's unique name, also the container's DNS name: `<instance>-<execution>-<deployment>`. */
export function containerName(instance: string, executionId: number, deployment: string): string {
  return `${instance}-${executionId}-${deployment}`;
}

export const LABEL = {
  deployment: 'zoe_deployment_name',
  executionId: 'zoe_execution_id',
  executionName: 'zoe_execution_name',
  service: 'zoe_service_name',
  serviceId: 'zoe_service_id',
  owner: 'zoe_owner',
  type: 'zoe_type',
} as const;

export interface LabelInput {
  deployment: string;
  executionId: number;
  executionName: string;
  instance: string;
  serviceId: number;
  owner: string;
}

export function containerLabels(input: LabelInput): Record<string, string> {
  return {
    [LABEL.deployment]: input.deployment,
    [LABEL.executionId]: String(input.executionId),
    [LABEL.executionName]: input.executionName,
    [LABEL.service]: input.instance,
    [LABEL.serviceId]: String(input.serviceId),
    [LABEL.owner]: input.owner,
    [LABEL.type]: 'app_service',
  };
}

/** Docker list filter selecting one deployment's containers, optionally one execution's. */
export function labelFilter(deployment: string, executionId?: number): { label: string[] } {
  const label = [`${LABEL.deployment}=${deployment}`];
  if (executionId !== undefined) label.push(`${LABEL.executionId}=${executionId}`);
  return { label };
}

/**
 * Splits a command line as a POSIX shell would split words (quotes and backslashes), without
 * running a shell: the original passed the string to docker-py, which split it the same way.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) current += command[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in command`);
  if (inWord) words.push(current);
  return words;
}
