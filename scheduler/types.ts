// The scheduler's vocabulary: plain JSON values only, because they travel in Temporal payloads
// and across continue-as-new (a Map or a class instance would not survive either).

/** One container host as the scheduler sees it: total capacity, never what is free. */
export interface HostCapacity {
  name: string;
  /** Bytes of memory the host offers to Zoe. */
  memory: number;
  /** Cores the host offers to Zoe (fractional allowed). */
  cores: number;
  labels: string[];
  /** False while the engine does not answer: the host receives no new work. */
  online: boolean;
}

/** One service instance to place (`spark-worker1`), with its reservation. */
export interface InstanceRequest {
  /** Instance name, unique within the execution: `<service><n>`. */
  instance: string;
  /** Bytes reserved (the ZApp's `resources.memory.min`). */
  memory: number;
  /** Cores reserved (the ZApp's `resources.cores.min`). */
  cores: number;
  /** The host must carry every one of these labels. */
  labels: string[];
  /** Essential instances are placed all together or not at all; elastic ones opportunistically. */
  essential: boolean;
}

/** An execution waiting for, or holding, resources. */
export interface ExecutionRequest {
  executionId: number;
  /** Arrival time, epoch milliseconds (FIFO order, DYNSIZE ageing). */
  submittedAt: number;
  /** The ZApp's `size` hint (SIZE policy). */
  size: number;
  instances: InstanceRequest[];
}

/** One instance placed on one host. */
export interface Placement {
  executionId: number;
  instance: string;
  host: string;
  memory: number;
  cores: number;
  essential: boolean;
}

export type QueuePolicy = 'FIFO' | 'SIZE' | 'DYNSIZE';
export type PlacementPolicy = 'spread' | 'pack' | 'random';

export interface SchedulingPolicy {
  queue: QueuePolicy;
  placement: PlacementPolicy;
}
