// Shared by every environment: the app's components, keyed by component name.
local components = std.extVar("__ksonnet/components");

components + {
  // Overrides that every environment should get go here.
}
