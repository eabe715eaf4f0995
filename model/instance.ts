// One service instance of an execution, in the two shapes it takes: what the scheduler places
// (the request) and what a back-end runs (the plan, which extends the request with the rendered
// container). The plan is computed once at submit time, so workflows replay from plain data.
// Plain JSON only: these travel in Temporal payloads.

/** One instance to place (`spark-worker1`), with its reservation. */
export interface InstanceRequest {
  /** Instance name, unique within the execution: `<service><n>`. */
  instance: string;
  /** Bytes reserved (the ZApp's `resources.memory.min`): also the container's hard limit. */
  memory: number;
  /** Cores reserved (the ZApp's `resources.cores.min`): also the container's CPU limit. */
  cores: number;
  /** The host must carry every one of these labels. */
  labels: string[];
  /** Essential instances are placed all together or not at all; elastic ones opportunistically. */
  essential: boolean;
}

/** The request part of any instance shape: what the scheduler is sent, and nothing more. */
export function requestOf(instance: InstanceRequest): InstanceRequest {
  return {
    instance: instance.instance, memory: instance.memory, cores: instance.cores,
    labels: [...instance.labels], essential: instance.essential,
  };
}

export interface PortPlan {
  /** `<port>/<protocol>`, as Docker and the original Zoe's port table name it. */
  internalName: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface VolumePlan {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

/** One container to run: everything a back-end needs, already rendered. */
export interface ContainerPlan {
  image: string;
  /** null keeps the image's own command. */
  command: string | null;
  workDir: string | undefined;
  environment: Array<[string, string]>;
  ports: PortPlan[];
  volumes: VolumePlan[];
  shmBytes: number | undefined;
  /** DNS name the other instances reach it by: see `containerName`. */
  dnsName: string;
}

export interface InstancePlan extends InstanceRequest {
  serviceId: number;
  /** The service group name from the ZApp. */
  service: string;
  monitor: boolean;
  startupOrder: number;
  container: ContainerPlan;
}

/** The owner's workspace directory, created with the owner's uid when missing. */
export interface WorkspacePlan {
  path: string;
  uid: number;
  gid: number;
}
