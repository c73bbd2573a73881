// This environment's entry point: an object with one field per component.
local base = import "base.libsonnet";

base + {
  // Per-environment overrides of rendered objects go here, e.g.
  // "<component>"+: { metadata+: { annotations+: { team: "ml" } } },
}
