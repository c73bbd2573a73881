// @apiVersion 0.1
// @name io.ksonnet.pkg.tf-serving
// @description TensorFlow serving
// @shortDescription A TensorFlow serving deployment
// @param name string Name to give to each of the components

local k = import "k.libsonnet";

// Everything but the name is a field of the library's params; set it with
// `ks param set <component> <param> <value>`.
local name = import "param://name";
local updatedParams = env + params + { name: name };

local tfServingBase = import "kubeflow/tf-serving/tf-serving.libsonnet";
local tfServing = tfServingBase + { params+: updatedParams };

std.prune(k.core.v1.list.new(tfServing.components))
