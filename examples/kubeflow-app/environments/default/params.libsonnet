local params = std.extVar("__ksonnet/params");
local globals = import "globals.libsonnet";
local envParams = params + {
  components+: {
    // Component params that differ in this environment; `kfkit param set --env` edits them, e.g.
    // "<component>"+: { replicas: 2 },
  },
};

{
  components: {
    [x]: envParams.components[x] + globals
    for x in std.objectFields(envParams.components)
  },
}
