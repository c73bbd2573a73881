// @apiVersion 0.1
// @name io.ksonnet.pkg.tf-serving-client
// @description A Job that runs TensorFlow Serving's example inception_client once against a
//   tf-serving model server (gRPC) and prints the prediction for one image, as in the Kubeflow
//   serving tutorial. The image file is read from a hostPath directory (or an empty volume).
// @shortDescription A one-shot inception client Job for a tf-serving model server
// @param name string Name of the Job and its container
// @optionalParam namespace string null Namespace of the Job; null means the environment's namespace
// @optionalParam image string katacoda/tensorflow_serving Client image containing /serving/bazel-bin/tensorflow_serving/example/inception_client
// @optionalParam imagePullPolicy string IfNotPresent When to pull the image (Always, IfNotPresent or Never)
// @optionalParam server string inception Host of the model server: the tf-serving Service name (add .<namespace> across namespaces)
// @optionalParam port number 9000 gRPC port of the model server
// @optionalParam imagePath string /data/katacoda.jpg Image file to classify, as seen inside the container
// @optionalParam hostPath string /root Node directory mounted at dataMountPath; null or empty mounts an empty volume instead
// @optionalParam dataMountPath string /data Where the data volume is mounted in the container
// @optionalParam backoffLimit number 4 How many times a failed client pod is retried (e.g. while the server is starting)

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
