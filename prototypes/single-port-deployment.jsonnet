// @apiVersion 0.1
// @name io.ksonnet.pkg.single-port-deployment
// @description A deployment that replicates container 'image' some number of times (default: 1),
//   and exposes a port (default: 80). Labels are automatically populated from 'name'.
// @shortDescription Replicates a container n times, exposes a single port
// @param name string Name of the deployment
// @param image string Container image to deploy
// @optionalParam replicas number 1 Number of replicas
// @optionalParam containerPort number 80 Port to expose

local labels = { app: params.name };

{
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: params.name,
    namespace: env.namespace,
    labels: labels,
  },
  spec: {
    replicas: params.replicas,
    // apps/v1 requires a selector, and it must match the pod template's labels.
    selector: { matchLabels: labels },
    template: {
      metadata: { labels: labels },
      spec: {
        containers: [
          {
            name: params.name,
            image: params.image,
            ports: [{ containerPort: params.containerPort }],
          },
        ],
      },
    },
  },
}
