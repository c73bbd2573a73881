local env = std.extVar("__ksonnet/environments");
local params = std.extVar("__ksonnet/params").components["inception-client"];
// The Kubeflow tutorial's model-client Job, as a prototype. This file is yours: edit it
// freely. Note that a Job's pod template cannot change once it exists: delete the Job before
// applying a changed one.

local name = params.name;
local isSet(x) = x != null && x != '';
local namespace = if isSet(params.namespace) then params.namespace else env.namespace;
local useHostPath = isSet(params.hostPath);
local client = '/serving/bazel-bin/tensorflow_serving/example/inception_client';

{
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name: name,
    namespace: namespace,
    labels: { app: name },
  },
  spec: {
    backoffLimit: params.backoffLimit,
    template: {
      metadata: { labels: { app: name } },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: name,
            image: params.image,
            imagePullPolicy: params.imagePullPolicy,
            command: ['/bin/bash', '-c'],
            // One string: bash -c runs it as a command line.
            args: [
              '%s --server=%s:%s --image=%s'
              % [client, params.server, params.port, params.imagePath],
            ],
            volumeMounts: [{ name: 'data', mountPath: params.dataMountPath }],
          },
        ],
        volumes: [
          // An empty volume keeps the Job valid where hostPath is not allowed; the image to
          // classify must then come from somewhere else (e.g. baked into the client image).
          { name: 'data' } +
          (if useHostPath then { hostPath: { path: params.hostPath } } else { emptyDir: {} }),
        ],
      },
    },
  },
}
