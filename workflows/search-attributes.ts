// Search attributes the execution workflows set, so operators can filter executions in the
// Temporal Web UI (e.g. `ZoeOwner = "alice" AND ZoeState = "running"`). The dev server registers
// them at start from this same list.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ZoeOwner = defineSearchAttributeKey('ZoeOwner', SearchAttributeType.KEYWORD);
export const ZoeZApp = defineSearchAttributeKey('ZoeZApp', SearchAttributeType.KEYWORD);
export const ZoeState = defineSearchAttributeKey('ZoeState', SearchAttributeType.KEYWORD);
export const ZoeDeployment = defineSearchAttributeKey('ZoeDeployment', SearchAttributeType.KEYWORD);

/** Name and Temporal CLI type of every attribute, for `temporal server start-dev --search-attribute`. */
export const searchAttributeDefinitions: ReadonlyArray<{ name: string; cliType: 'Keyword' }> = [
  ZoeOwner,
  ZoeZApp,
  ZoeState,
  ZoeDeployment,
].map((key) => ({ name: key.name, cliType: 'Keyword' as const }));
