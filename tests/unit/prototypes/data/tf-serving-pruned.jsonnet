// @apiVersion 0.1
// @name io.ksonnet.pkg.tf-serving
// @description TensorFlow serving: a Deployment running tensorflow_model_server (gRPC on port 9000)
//   behind a Service that also exposes an optional HTTP proxy on port 8000 (with Ambassador
//   mappings). Options: GPUs, the HTTP proxy container, Istio sidecar and routing, and models
//   read from GCS (GCP credentials), S3 or an NFS volume. Kubeflow's tf-serving package (v0.2)
//   on current Kubernetes APIs.
// @shortDescription A TensorFlow serving deployment
// @param name string Name to give to each of the components
// @optionalParam namespace string null Namespace of all objects; null means the environment's namespace
// @optionalParam numGpus number 0 Number of GPUs for the model server; above 0 requests nvidia.com/gpu and uses defaultGpuImage
// @optionalParam labels object null Labels of the Service and Deployment, also the Service selector; null means {app: <name>}
// @optionalParam modelName string null Model name the server serves (--model_name); null means <name>
// @optionalParam modelPath string null Base path of the exported model (--model_base_path), e.g. gs://bucket/model; must be set
// @optionalParam modelStorageType string cloud Where the model lives: cloud (a URL in modelPath) or nfs (PVC nfsPVC mounted at /mnt)
// @optionalParam nfsPVC string null Name of the PersistentVolumeClaim mounted at /mnt when modelStorageType is nfs
// @optionalParam version string v1 Version of this deployment: Deployment name suffix and pod label version
// @optionalParam firstVersion boolean true With deployIstio: also emit the Istio routing that sends all traffic to this version
// @optionalParam deployIstio boolean false Inject the Istio sidecar into the pods (and route to this version when firstVersion)
// @optionalParam deployHttpProxy boolean false Add the HTTP-to-gRPC proxy container on port 8000
// @optionalParam defaultHttpProxyImage string gcr.io/kubeflow-images-public/tf-model-server-http-proxy:v20180606-9dfda4f2 HTTP proxy image used when httpProxyImage is empty
// @optionalParam httpProxyImage string null HTTP proxy image; null or empty means defaultHttpProxyImage
// @optionalParam serviceType string ClusterIP Type of the Service (ClusterIP, NodePort or LoadBalancer)
// @optionalParam defaultCpuImage string gcr.io/kubeflow-images-public/tensorflow-serving-1.7:v20180604-0da89b8a Model server image used when numGpus is 0 and modelServerImage is empty
// @optionalParam defaultGpuImage string gcr.io/kubeflow-images-public/tensorflow-serving-1.6gpu:v20180604-0da89b8a Model server image used when numGpus is above 0 and modelServerImage is empty
// @optionalParam modelServerImage string null Model server image; null means defaultCpuImage or defaultGpuImage depending on numGpus
// @optionalParam s3Enable boolean false Read the model from S3: adds the AWS/S3 environment variables to the model server
// @optionalParam cloud string null Cloud the model is stored in; gcp (with gcpCredentialSecretName) mounts GCP credentials
// @optionalParam gcpCredentialSecretName string null With cloud gcp: Secret holding the service account key as key.json
// @optionalParam s3SecretName string null With s3Enable: Secret holding the AWS credentials; null means use the pod's own (e.g. IRSA)
// @optionalParam s3SecretAccesskeyidKeyName string AWS_ACCESS_KEY_ID With s3Enable: key in s3SecretName holding the access key id
// @optionalParam s3SecretSecretaccesskeyKeyName string AWS_SECRET_ACCESS_KEY With s3Enable: key in s3SecretName holding the secret access key
// @optionalParam s3AwsRegion string us-west-1 With s3Enable: AWS region (AWS_REGION and S3_REGION)
// @optionalParam s3UseHttps string true With s3Enable: S3_USE_HTTPS (true or false)
// @optionalParam s3VerifySsl string true With s3Enable: S3_VERIFY_SSL (true or false)
// @optionalParam s3Endpoint string http://s3.us-west-1.amazonaws.com With s3Enable: S3_ENDPOINT; null or empty leaves it unset

// TensorFlow Serving, after Kubeflow's io.ksonnet.pkg.tf-serving (v0.2), on current APIs:
// apps/v1 Deployment with an explicit selector, fsGroup in the pod securityContext (it is not
// a container field), a working S3 option, and Istio routing as networking.istio.io/v1.
// This file is yours: edit it freely. Its inputs are `params` (components/params.libsonnet,
// changed with `kfkit param set <component> <param> <value>`) and `env` ({server, namespace}).
//
// Param defaults that differ from Kubeflow v0.2, and why:
// - Kubeflow's "" defaults (httpProxyImage, gcpCredentialSecretName, s3SecretName) are null
//   here: a prototype default cannot spell an empty string. null and "" mean the same below.
// - s3SecretAccesskeyidKeyName / s3SecretSecretaccesskeyKeyName default to the key names
//   Kubeflow v0.3 chose, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: v0.2's "" can never make
//   a valid secretKeyRef.
// - s3Endpoint drops the stray trailing comma of v0.2's "http://s3.us-west-1.amazonaws.com,".

// Params set on the command line can arrive as strings ("true", "1"): accept those too,
// like Kubeflow's util.toBool.
local toBool(x) =
  if std.isBoolean(x) then x
  else if std.isString(x) then std.asciiLower(x) == 'true'
  else if std.isNumber(x) then x != 0
  else false;

// "Not set" is null or the empty string (`kfkit param set <c> httpProxyImage ""`).
local isSet(x) = x != null && x != '';
local orElse(x, default) = if isSet(x) then x else default;

// Kubernetes env values and label values must be strings.
local str(x) = if std.isString(x) then x else std.toString(x);

local name = params.name;

// The component name, for error messages: this file is components/<component>.jsonnet.
local component =
  local parts = std.split(std.thisFile, '/');
  local file = parts[std.length(parts) - 1];
  if std.endsWith(file, '.jsonnet') then std.substr(file, 0, std.length(file) - 8)
  else '<component>';
local fail(msg) = error 'tf-serving %s: %s' % [name, msg];

local numGpus =
  local n = params.numGpus;
  local digits = std.isString(n) && n != ''
                 && std.all([std.member('0123456789', c) for c in std.stringChars(n)]);
  if n == null || n == '' then 0
  else if std.isNumber(n) && n >= 0 && n == std.floor(n) then n
  else if digits then std.parseInt(n)
  else fail('numGpus must be a whole number, got %s' % std.manifestJson(n));

local namespace = orElse(params.namespace, env.namespace);
local version = str(params.version);
local modelName = orElse(params.modelName, name);
local modelPath =
  if isSet(params.modelPath) then params.modelPath
  else fail('set modelPath (kfkit param set %s modelPath <path>)' % component);

// Kubeflow: labels default to {app: <name>}; a user-supplied object replaces them. The pods
// always carry app and version, so the Deployment selector below is always satisfied.
local labels = if params.labels == null then { app: name } else params.labels;
local podLabels = { app: name } + labels + { version: version };
// Only app and version: a selector is immutable, so it must not follow every label edit.
local selector = { app: podLabels.app, version: version };

local deployIstio = toBool(params.deployIstio);
local useGcp = params.cloud == 'gcp' && isSet(params.gcpCredentialSecretName);
local useS3 = toBool(params.s3Enable);
local useNfs = params.modelStorageType == 'nfs';
local nfsPVC =
  if !useNfs || isSet(params.nfsPVC) then params.nfsPVC
  else fail('modelStorageType is nfs: set nfsPVC (kfkit param set %s nfsPVC <claim>)' % component);

local resources = {
  requests: { cpu: '1', memory: '1Gi' },
  limits: { cpu: '4', memory: '4Gi' },
};
// Kubeflow's images define user and group 1000; per best practice, don't run as root.
local containerSecurityContext = { runAsUser: 1000 };

// Kubeflow's s3 branch never evaluated (`spec: +{...}`); this is what it meant to add.
// Without s3SecretName the credentials come from the pod itself (IRSA, instance profile).
local fromS3Secret(key) = { secretKeyRef: { name: params.s3SecretName, key: key } };
local s3Env =
  (if isSet(params.s3SecretName) then [
     { name: 'AWS_ACCESS_KEY_ID', valueFrom: fromS3Secret(params.s3SecretAccesskeyidKeyName) },
     {
       name: 'AWS_SECRET_ACCESS_KEY',
       valueFrom: fromS3Secret(params.s3SecretSecretaccesskeyKeyName),
     },
   ] else [])
  + [
    { name: 'AWS_REGION', value: str(params.s3AwsRegion) },
    { name: 'S3_REGION', value: str(params.s3AwsRegion) },
    { name: 'S3_USE_HTTPS', value: str(params.s3UseHttps) },
    { name: 'S3_VERIFY_SSL', value: str(params.s3VerifySsl) },
  ]
  + (if isSet(params.s3Endpoint) then [{ name: 'S3_ENDPOINT', value: str(params.s3Endpoint) }]
     else []);

local gcpEnv = [
  { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/secret/gcp-credentials/key.json' },
];
local gcpVolume = {
  name: 'gcp-credentials',
  secret: { secretName: params.gcpCredentialSecretName },
};
local nfsVolume = { name: 'nfs', persistentVolumeClaim: { claimName: nfsPVC } };

local modelServer = {
  name: name,
  // An explicit modelServerImage wins whatever numGpus says.
  image: orElse(params.modelServerImage,
                if numGpus > 0 then params.defaultGpuImage else params.defaultCpuImage),
  imagePullPolicy: 'IfNotPresent',
  args: [
    '/usr/bin/tensorflow_model_server',
    '--port=9000',
    '--model_name=' + modelName,
    '--model_base_path=' + modelPath,
  ],
  env: (if useS3 then s3Env else []) + (if useGcp then gcpEnv else []),
  ports: [{ containerPort: 9000 }],
  // Extended resources are whole numbers; quantities go as strings, as the server stores them.
  resources: resources
             + (if numGpus > 0 then { limits+: { 'nvidia.com/gpu': str(numGpus) } } else {}),
  securityContext: containerSecurityContext,
  volumeMounts:
    (if useGcp then [{ name: 'gcp-credentials', mountPath: '/secret/gcp-credentials' }] else []) +
    (if useNfs then [{ name: 'nfs', mountPath: '/mnt' }] else []),
};

// Translates REST on 8000 into gRPC calls to the model server on 9000.
local httpProxy = {
  name: name + '-http-proxy',
  image: orElse(params.httpProxyImage, params.defaultHttpProxyImage),
  imagePullPolicy: 'IfNotPresent',
  command: [
    'python',
    '/usr/src/app/server.py',
    '--port=8000',
    '--rpc_port=9000',
    '--rpc_timeout=10.0',
  ],
  ports: [{ containerPort: 8000 }],
  resources: resources,
  securityContext: containerSecurityContext,
};

local service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: name,
    namespace: namespace,
    labels: labels,
    annotations: {
      // Ambassador routes /models/<name>/ to the HTTP proxy (byte for byte as Kubeflow wrote it).
      'getambassador.io/config': std.join('\n', [
        '---',
        'apiVersion: ambassador/v0',
        'kind:  Mapping',
        'name: tfserving-mapping-' + name + '-get',
        'prefix: /models/' + name + '/',
        'rewrite: /',
        'method: GET',
        'service: ' + name + '.' + namespace + ':8000',
        '---',
        'apiVersion: ambassador/v0',
        'kind:  Mapping',
        'name: tfserving-mapping-' + name + '-post',
        'prefix: /models/' + name + '/',
        'rewrite: /model/' + name + ':predict',
        'method: POST',
        'service: ' + name + '.' + namespace + ':8000',
      ]),
    },
  },
  spec: {
    // grpc-/http- prefixes tell Istio the protocols. Port 8000 is always there, proxy or not.
    ports: [
      { name: 'grpc-tf-serving', port: 9000, targetPort: 9000 },
      { name: 'http-tf-serving-proxy', port: 8000, targetPort: 8000 },
    ],
    // No version: the Service reaches every version; Istio routing picks one.
    selector: labels,
    type: params.serviceType,
  },
};

local deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: name + '-' + version,
    namespace: namespace,
    labels: labels,
  },
  spec: {
    selector: { matchLabels: selector },
    template: {
      metadata: {
        labels: podLabels,
        annotations: if deployIstio then { 'sidecar.istio.io/inject': 'true' },
      },
      spec: {
        containers: [modelServer] + (if toBool(params.deployHttpProxy) then [httpProxy] else []),
        // Group 1000 owns mounted volumes. Kubeflow put this in the containers' securityContext,
        // where the field does not exist (the server dropped it; strict validation rejects it).
        securityContext: { fsGroup: 1000 },
        volumes:
          (if useGcp then [gcpVolume] else []) + (if useNfs then [nfsVolume] else []),
      },
    },
  },
};

// Kubeflow emitted a config.istio.io/v1alpha2 RouteRule `<name>-default` sending all traffic
// to this version; that API is gone. Its networking.istio.io/v1 equivalent is a
// DestinationRule declaring the version as a subset (a subset must be declared to be routable)
// plus a VirtualService sending all traffic for host <name> to that subset. Later versions
// (firstVersion false) add no routing: shift traffic by editing these two objects.
local istioRouting = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: name, namespace: namespace, labels: labels },
    spec: {
      hosts: [name],
      http: [{ route: [{ destination: { host: name, subset: version } }] }],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: name, namespace: namespace, labels: labels },
    spec: {
      host: name,
      subsets: [{ name: version, labels: { version: version } }],
    },
  },
];

// std.prune drops what an option left empty (null annotations, [] env, volumes, mounts).
std.prune(
  (if deployIstio && toBool(params.firstVersion) then istioRouting else [])
  + [service, deployment]
)
