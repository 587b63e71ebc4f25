import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ConfigError, configVariables, loadConfig } from './config.js';

const readme = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8');

describe('configuration', () => {
  it('has embedded defaults that need nothing installed', () => {
    const config = loadConfig({});
    expect(config.engine.kind).to.equal('embedded');
    expect(config.databaseUrl).to.match(/^sqlite:.*data[/\\]paidan\.sqlite$/);
    expect(config.port).to.equal(3000);
    expect(config.sms.startSimulator).to.equal(true);
    expect(config.seedDemo).to.equal(true);
  });

  it('refuses bad values with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ ENGINE: 'activiti' })).to.throw(ConfigError, /ENGINE/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x' })).to.throw(ConfigError, /DATABASE_URL/);
    expect(() => loadConfig({ SMPP_URL: 'http://x' })).to.throw(ConfigError, /SMPP_URL/);
    expect(() => loadConfig({ SEED_DEMO: 'maybe' })).to.throw(ConfigError, /SEED_DEMO/);
    expect(() => loadConfig({ NODE_ENV: 'staging' })).to.throw(ConfigError, /NODE_ENV/);
  });

  it('reads the photo check and unit suggestion tolerances, and refuses nonsense', () => {
    const defaults = loadConfig({});
    expect(defaults.photos).to.include({ maxDistanceMeters: 200, clockSkewMs: 600_000 });
    expect(defaults.units).to.deep.equal({ borderToleranceM: 5 });
    const set = loadConfig({ PHOTO_MAX_DISTANCE_M: '500', PHOTO_CLOCK_SKEW_MINUTES: '30', UNIT_BORDER_TOLERANCE_M: '0' });
    expect(set.photos).to.include({ maxDistanceMeters: 500, clockSkewMs: 1_800_000 });
    expect(set.units.borderToleranceM).to.equal(0);
    expect(() => loadConfig({ PHOTO_MAX_DISTANCE_M: '-1' })).to.throw(ConfigError, /PHOTO_MAX_DISTANCE_M/);
    expect(() => loadConfig({ PHOTO_CLOCK_SKEW_MINUTES: '1.5' })).to.throw(ConfigError, /PHOTO_CLOCK_SKEW_MINUTES/);
    expect(() => loadConfig({ UNIT_BORDER_TOLERANCE_M: 'wide' })).to.throw(ConfigError, /UNIT_BORDER_TOLERANCE_M/);
  });

  it('reads the map tile template and refuses one that is not an http(s) template with {z}, {x} and {y}', () => {
    expect(loadConfig({}).map).to.deep.equal({ tileUrl: null, attribution: null });
    const map = loadConfig({ MAP_TILE_URL: 'https://tiles.bureau.example/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: '© 市测绘院' }).map;
    expect(map).to.deep.equal({ tileUrl: 'https://tiles.bureau.example/{z}/{x}/{y}.png', attribution: '© 市测绘院' });
    expect(() => loadConfig({ MAP_TILE_URL: 'javascript:alert(1)//{z}{x}{y}' })).to.throw(ConfigError, /MAP_TILE_URL/);
    expect(() => loadConfig({ MAP_TILE_URL: 'https://tiles.example/tile.png' })).to.throw(ConfigError, /MAP_TILE_URL/);
  });

  it('documents every variable in the README with its default', () => {
    for (const variable of configVariables) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable.name}\` |`));
      expect(row, `README row for ${variable.name}`).to.be.a('string');
      expect(row).to.include(variable.default);
    }
  });
});

describe('configuration is read in one place', () => {
  it('no module outside config.ts reads process.env', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const offenders: string[] = [];
    const skip = new Set(['node_modules', 'dist', 'data', 'test', 'bench', '.git', 'test-artifacts']);
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (skip.has(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.ts$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name) && !/(cli|main)\.ts$/.test(entry.name) && full !== path.join(root, 'api/src/config.ts')) {
          if (/process\.env\b/.test(fs.readFileSync(full, 'utf8'))) offenders.push(path.relative(root, full));
        }
      }
    };
    walk(root);
    expect(offenders).to.deep.equal([]);
  });
});
