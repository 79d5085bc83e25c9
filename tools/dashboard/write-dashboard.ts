/** `npm run generate:dashboard`: writes deploy/grafana/nvote-dashboard.json from nvote-dashboard.ts. */
import { writeFileSync } from 'node:fs';
import { dashboardJson } from './nvote-dashboard.js';

const target = new URL('../../deploy/grafana/nvote-dashboard.json', import.meta.url);
writeFileSync(target, dashboardJson());
console.log(`wrote ${target.pathname}`);
