// @apiVersion 0.1
// @name io.ksonnet.pkg.configMap
// @description A simple config map with optional user-specified data.
// @shortDescription A simple config map with optional user-specified data
// @param name string Name to give the configMap.
// @optionalParam data object {} Data for the configMap.

{
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: params.name,
    namespace: env.namespace,
  },
  // ConfigMap values must be strings: numbers and booleans from `param set` are converted.
  data: std.mapWithKey(
    function(key, value) if std.isString(value) then value else std.toString(value),
    params.data
  ),
}
