import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboardJson, dashboardQueries, ROWS } from '../../tools/dashboard/nvote-dashboard.js';

describe('the Grafana dashboard', () => {
  it('is exactly what its typed source generates (npm run generate:dashboard)', () => {
    expect(readFileSync(new URL('../../deploy/grafana/nvote-dashboard.json', import.meta.url), 'utf8')).toBe(dashboardJson());
  });

  it('has a Prometheus query behind every panel, each on the datasource variable', () => {
    const dashboard = JSON.parse(dashboardJson()) as { panels: { type: string; title: string; targets?: { expr: string; datasource: { uid: string } }[] }[] };
    const panels = dashboard.panels.filter(panel => panel.type !== 'row');
    expect(panels).toHaveLength(ROWS.flatMap(row => row.panels).length);
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe('${datasource}');
    }
    expect(dashboardQueries('1m').every(query => !query.includes('$__'))).toBe(true);
  });
});
