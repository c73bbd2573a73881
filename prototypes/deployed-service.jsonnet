// @apiVersion 0.1
// @name io.ksonnet.pkg.deployed-service
// @description A Deployment of one container image, exposed by a Service that sends traffic
//   arriving on 'servicePort' to the pods' 'containerPort'. Pods are labelled app: <name>.
// @shortDescription A deployment exposed with a service
// @param name string Name of the service and deployment resources
// @param image string Container image to deploy
// @optionalParam servicePort number 80 Port for the service to expose.
// @optionalParam containerPort number 80 Container port for service to target.
// @optionalParam replicas number 1 Number of replicas
// @optionalParam type string ClusterIP Type of service to expose

local labels = { app: params.name };

[
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: params.name,
      namespace: env.namespace,
      labels: labels,
    },
    spec: {
      ports: [{ port: params.servicePort, targetPort: params.containerPort }],
      selector: labels,
      type: params.type,
    },
  },
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
  },
]
