/**
 * Deployed process definitions of the embedded engine: deploying (versioned, checksummed, all
 * resources or none), listing, and the parsed form of each version. A definition is parsed once
 * per process and shared by every instance of it: the diagram model (wait states, mappings) and
 * the serialized context bpmn-engine runs. Instances only hold their own state.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../errors/index.js';
import type { DeployResource, DeployResult, ProcessDefinition } from '../port.js';
import { parseDiagram, type DiagramModel } from './diagram.js';
import { DefinitionEntity, type DefinitionRow } from './entities.js';

export interface LoadedDefinition {
  row: DefinitionRow;
  model: DiagramModel;
  sourceContext: unknown;
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function toDefinition(row: DefinitionRow): ProcessDefinition {
  return {
    key: row.key, bpmnProcessId: row.bpmnProcessId, name: row.name, version: row.version, resourceName: row.resourceName,
    checksum: row.checksum, deployedAt: row.deployedAt,
  };
}

export class DefinitionStore {
  /**
   * Parsed versions by definition key. Not bounded: a bureau deploys a handful of versions a
   * year, each about 1 MiB parsed, and every open case pins its own version.
   */
  private readonly loaded = new Map<string, LoadedDefinition>();
  private readonly loading = new Map<string, Promise<LoadedDefinition>>();

  constructor(private readonly ds: DataSource) {}

  async deploy(resources: DeployResource[], knownJobTypes: ReadonlySet<string>): Promise<DeployResult> {
    if (!Array.isArray(resources) || resources.length === 0) throw new DomainError('deploy.invalid', 'no resource to deploy', { field: 'resources' });
    const parsed: { resource: DeployResource; diagram: Awaited<ReturnType<typeof parseDiagram>> }[] = [];
    for (const resource of resources) {
      if (!/\.(bpmn|xml)$/i.test(resource.name)) throw new DomainError('deploy.invalid', `${resource.name}: only .bpmn resources are deployed to the embedded engine`, { field: 'resources' });
      try {
        parsed.push({ resource, diagram: await parseDiagram(resource.content, knownJobTypes) });
      } catch (error) {
        if (error instanceof DomainError) throw new DomainError(error.code, `${resource.name}: ${error.detail}`, { ...error.extra, cause: error });
        throw error;
      }
    }
    const ids = parsed.map((p) => p.diagram.model.bpmnProcessId);
    if (new Set(ids).size !== ids.length) throw new DomainError('deploy.invalid', 'two resources define the same process id', { field: 'resources' });
    const processes: ProcessDefinition[] = [];
    const fresh: LoadedDefinition[] = [];
    let duplicates = 0;
    await this.ds.transaction(async (tx) => {
      for (const { resource, diagram } of parsed) {
        const sum = checksum(resource.content);
        const latest = await tx.getRepository(DefinitionEntity).findOne({ where: { bpmnProcessId: diagram.model.bpmnProcessId }, order: { version: 'DESC' } });
        if (latest && latest.checksum === sum) {
          duplicates += 1;
          processes.push(toDefinition(latest));
          continue;
        }
        const row: DefinitionRow = {
          key: randomUUID(), bpmnProcessId: diagram.model.bpmnProcessId, name: diagram.model.processName, version: (latest?.version ?? 0) + 1,
          resourceName: resource.name, checksum: sum, xml: resource.content, deployedAt: new Date(),
        };
        await tx.getRepository(DefinitionEntity).insert(row);
        fresh.push({ row, model: diagram.model, sourceContext: diagram.sourceContext });
        processes.push(toDefinition(row));
      }
    });
    // only once committed: a rolled-back deployment must not be startable from memory
    for (const definition of fresh) this.loaded.set(definition.row.key, definition);
    return { processes, duplicate: duplicates === parsed.length };
  }

  async list(bpmnProcessId?: string): Promise<ProcessDefinition[]> {
    const rows = await this.ds.getRepository(DefinitionEntity).find({
      where: bpmnProcessId ? { bpmnProcessId } : {},
      order: { bpmnProcessId: 'ASC', version: 'ASC' },
      select: { key: true, bpmnProcessId: true, name: true, version: true, resourceName: true, checksum: true, deployedAt: true },
    });
    return rows.map(toDefinition);
  }

  /** The key of the given version, or of the latest one. */
  async keyOf(bpmnProcessId: string, version?: number): Promise<string> {
    const where = version !== undefined ? { bpmnProcessId, version } : { bpmnProcessId };
    const row = await this.ds.getRepository(DefinitionEntity).findOne({ where, order: { version: 'DESC' }, select: { key: true } });
    if (!row) throw new DomainError('process.not_found', `process "${bpmnProcessId}"${version !== undefined ? ` version ${version}` : ''} is not deployed`, { field: 'bpmnProcessId' });
    return row.key;
  }

  /** The parsed definition, parsed at most once however many instances ask at the same time. */
  async get(key: string): Promise<LoadedDefinition> {
    const cached = this.loaded.get(key);
    if (cached) return cached;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.parse(key).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async parse(key: string): Promise<LoadedDefinition> {
    const row = await this.ds.getRepository(DefinitionEntity).findOne({ where: { key } });
    if (!row) throw new DomainError('process.not_found', `no deployed definition ${key}`);
    const diagram = await parseDiagram(row.xml, undefined);
    const loaded = { row, model: diagram.model, sourceContext: diagram.sourceContext };
    this.loaded.set(key, loaded);
    return loaded;
  }
}
