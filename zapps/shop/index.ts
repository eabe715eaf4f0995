// The ZApp shop: loading the shop folder, who sees what, and starting a ZApp with parameters.
export { findShopZApp, loadShop, type Shop, type ShopProblem, type ShopZApp } from './load.js';
export { isPlainFileName, manifestSchema, type IntParameter, type Manifest, type ManifestEntry, type ShopParameter, type StringParameter } from './manifest.js';
export { escapeHtml, renderMarkdown } from './markdown.js';
export { applyParameters, withManifestLabels, type ParameterValues } from './parameters.js';
export { guestRoleName, isVisibleTo, visibleZApps, type ShopRole } from './visibility.js';
