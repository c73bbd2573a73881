local k = import "k.libsonnet";
local util = import "kubeflow/tf-serving/util.libsonnet";

{
  util:: util,

  // Defaults; the prototype puts the environment and the component's params over them.
  params:: {
    namespace: null,
    numGpus: 0,
    modelName: $.params.name,
    modelPath: null,
    modelServerImage: if $.params.numGpus == 0 then $.params.defaultCpuImage else $.params.defaultGpuImage,
    defaultCpuImage: "gcr.io/kubeflow-images-public/tensorflow-serving-1.7:v20180604-0da89b8a",
    defaultGpuImage: "gcr.io/kubeflow-images-public/tensorflow-serving-1.6gpu:v20180604-0da89b8a",
    deployHttpProxy: false,
    httpProxyImage: "gcr.io/kubeflow-images-public/tf-model-server-http-proxy:v20180606-9dfda4f2",
    serviceType: "ClusterIP",
    version: "v1",
  },

  components:: [$.parts.service, $.parts.deployment],

  parts:: {
    local p = $.params,
    local labels = { app: p.name },
    local proxy = util.toBool(p.deployHttpProxy),

    modelServer:: {
      name: p.name,
      image: p.modelServerImage,
      imagePullPolicy: "IfNotPresent",
      args: [
        "/usr/bin/tensorflow_model_server",
        "--port=9000",
        "--model_name=" + p.modelName,
        "--model_base_path=" + p.modelPath,
      ],
      ports: [{ containerPort: 9000 }],
      resources: {
        requests: { memory: "1Gi", cpu: "1" },
        limits: { memory: "4Gi", cpu: "4" } + if p.numGpus > 0 then { "nvidia.com/gpu": p.numGpus } else {},
      },
    },

    httpProxy:: if proxy then {
      name: p.name + "-http-proxy",
      image: p.httpProxyImage,
      imagePullPolicy: "IfNotPresent",
      command: ["python", "/usr/src/app/server.py", "--port=8000", "--rpc_port=9000"],
      ports: [{ containerPort: 8000 }],
    },

    deployment:: {
      apiVersion: "extensions/v1beta1",
      kind: "Deployment",
      metadata: { name: p.name + "-" + p.version, namespace: p.namespace, labels: labels },
      spec: {
        template: {
          metadata: { labels: labels + { version: p.version } },
          spec: { containers: [$.parts.modelServer, $.parts.httpProxy] },
        },
      },
    },

    service:: {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: p.name,
        namespace: p.namespace,
        labels: labels,
        annotations: {
          "getambassador.io/config": std.join("\n", [
            "---",
            "apiVersion: ambassador/v0",
            "kind:  Mapping",
            "name: tfserving-mapping-" + p.name + "-get",
            "prefix: /models/" + p.name + "/",
            "rewrite: /",
            "method: GET",
            "service: " + p.name + "." + p.namespace + ":8000",
          ]),
        },
      },
      spec: {
        type: p.serviceType,
        selector: labels,
        ports: [{ name: "grpc-tf-serving", port: 9000, targetPort: 9000 }]
               + if proxy then [{ name: "http-tf-serving-proxy", port: 8000, targetPort: 8000 }] else [],
      },
    },
  },
}
