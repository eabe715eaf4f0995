// The ZApp format: schema, validation, templates and instance expansion. Everything exported here
// is pure (no Node built-ins), so workflow code may import it; the shop, which reads files, is in
// ./shop/index.ts.
export { parseImageReference, type ImageReference } from './image-reference.js';
export { expandInstances, instanceEnvironment, portUrl, workspaceMountPoint, type ExecutionContext, type InstanceSpec, type PortEndpoint } from './instances.js';
export { formatPath, type ZAppProblem } from '../model/problems.js';
export { zappSchema, type ZApp, type ZAppEnvPair, type ZAppPort, type ZAppService, type ZAppVolume } from './schema.js';
export { escapeTemplateText, renderTemplate, TemplateError, templateVariables } from './template.js';
export { parseZAppJson, validateZApp, type AdminLimits, type ZAppValidation } from './validate.js';
