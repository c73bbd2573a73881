// @apiVersion 0.1
// @name io.ksonnet.pkg.single-port-service
// @description A service that exposes 'servicePort', and directs traffic to
//   'targetLabelSelector', at 'targetPort'. 'targetLabelSelector' is an object literal of
//   the labels the service targets, so a typical use looks like:
//     kfkit generate single-port-service my-svc --targetLabelSelector "{app: 'nginx'}"
// @shortDescription Service that exposes a single port
// @param name string Name of the service
// @param targetLabelSelector object Label for the service to target (e.g., "{app: 'MyApp'}").
// @optionalParam servicePort number 80 Port for the service to expose
// @optionalParam targetPort number 80 Port for the service target
// @optionalParam protocol string TCP Protocol to use (either TCP or UDP)
// @optionalParam serviceType string ClusterIP Type of service to expose

{
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: params.name,
    namespace: env.namespace,
  },
  spec: {
    ports: [
      {
        protocol: params.protocol,
        port: params.servicePort,
        targetPort: params.targetPort,
      },
    ],
    selector: params.targetLabelSelector,
    type: params.serviceType,
  },
}
