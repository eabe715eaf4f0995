// The configuration files of one cluster: containerd (its own root, state and socket, so the Docker
// Engine's containerd is never touched), the CNI bridge, the kubelet and CoreDNS. Each setting the
// measured recipe found by a real failure is kept, with why.
import { PAUSE_IMAGE } from './images.js';

export const POD_CIDR = '10.244.0.0/24';
export const SERVICE_CIDR = '10.96.0.0/16';
export const SERVICE_API_IP = '10.96.0.1';
export const CLUSTER_DOMAIN = 'cluster.local';

export function containerdToml(p: { root: string; state: string; socket: string; cniConfDir: string; cniBinDir: string }): string {
  return `version = 2
root = "${p.root}"
state = "${p.state}"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "${p.socket}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${p.root}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # without CAP_SYS_RESOURCE (this sandbox), oom_score_adj -998 makes runc init fail for every pod
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${p.cniBinDir}"
    conf_dir = "${p.cniConfDir}"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
`;
}

/** routes 0.0.0.0/0 and hairpinMode, or Services are unreachable from pods; portmap for hostPort. */
export function cniConflist(p: { network: string; ipamDir: string }): string {
  return `${JSON.stringify({
    cniVersion: '0.4.0',
    name: p.network,
    plugins: [
      {
        type: 'bridge', bridge: 'k8sbr0', isGateway: true, hairpinMode: true,
        ipam: { type: 'host-local', dataDir: p.ipamDir, ranges: [[{ subnet: POD_CIDR }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  }, null, 2)}\n`;
}

export function kubeletYaml(p: { socket: string; nodeIp: string; cgroupRoot: string; podLogsDir: string }): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 (hybrid) machines: 1.35+ refuses v1 unless told; no systemd here, hence cgroupfs
failCgroupV1: false
cgroupDriver: cgroupfs
# every pod under its own subtree: teardown finds and kills exactly this cluster's processes
cgroupRoot: ${p.cgroupRoot}
containerRuntimeEndpoint: unix://${p.socket}
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
address: ${p.nodeIp}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
failSwapOn: false
podLogsDir: ${p.podLogsDir}
# CoreDNS runs on the node address; pods get it with the cluster search domains and nothing of the host's
clusterDNS: [${p.nodeIp}]
clusterDomain: ${CLUSTER_DOMAIN}
resolvConf: ""
serializeImagePulls: false
evictionHard: {"imagefs.available": "1%", "nodefs.available": "1%", "memory.available": "100Mi"}
# no registry: an image removed by garbage collection could never come back
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
`;
}

/**
 * CoreDNS on the node address, answering cluster names from the API (pods, Services, and the
 * `<hostname>.<subdomain>` records of headless Services). No cache: tests create and delete
 * pods quickly and must not see stale answers. No forwarding: these machines have no upstream.
 */
export function corefile(p: { nodeIp: string; kubeconfig: string }): string {
  return `.:53 {
    bind ${p.nodeIp}
    errors
    ready ${p.nodeIp}:8181
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${p.kubeconfig}
        pods insecure
        ttl 5
        fallthrough in-addr.arpa ip6.arpa
    }
}
`;
}
