/**
 * Builds the services behind the job workers (SMS channel, photos, units) and the workers
 * themselves, from the configuration. Kept apart from platform.ts so the list of workers and
 * their collaborators reads in one place.
 */
import type { DataSource } from 'typeorm';
import { createSms, type Sms } from '../../sms/index.js';
import { createSmsNotifyWorker } from '../../workers/sms-notify/index.js';
import { createUnitAssignWorker } from '../../workers/unit-assign/index.js';
import { createUnitDirectory, createUnitStore, type UnitDirectory, type UnitStore } from '../../units/index.js';
import { TaskEntity } from '../../tasks/entities.js';
import { PhotoStore } from '../../photos/index.js';
import { createPhotoVerifyWorker } from '../../workers/photo-verify/index.js';
import type { Worker } from '../../workers/contract.js';
import type { Config } from './config.js';

export interface PlatformServices {
  sms: Sms;
  units: UnitStore;
  /** The cached assignment snapshot the unit suggestion reads (also used when a case is located). */
  unitDirectory: UnitDirectory;
  photos: PhotoStore;
}

/** Open tasks per officer, from the task records (the officer suggestion balances workload). */
function workloadFrom(dataSource: DataSource) {
  return async (usernames: string[]): Promise<Map<string, number>> => {
    const counts = new Map(usernames.map((u) => [u, 0]));
    if (!usernames.length) return counts;
    const rows = await dataSource.getRepository(TaskEntity).createQueryBuilder('t').select('t.assignee', 'assignee').addSelect('COUNT(*)', 'n')
      .where('t.state = :s AND t.assignee IN (:...names)', { s: 'created', names: usernames }).groupBy('t.assignee').getRawMany<{ assignee: string; n: string | number }>();
    for (const row of rows) counts.set(row.assignee, Number(row.n));
    return counts;
  };
}

export interface PlatformWorkers extends PlatformServices {
  workers: Worker<never>[];
  stop(): Promise<void>;
}

export async function createPlatformWorkers(deps: { config: Config; dataSource: DataSource }): Promise<PlatformWorkers> {
  const { config, dataSource } = deps;
  const sms = createSms({
    dataSource,
    config: {
      url: config.sms.url ?? `smpp://paidan:secret@127.0.0.1:${config.sms.simulatorPort}`,
      sourceAddr: config.sms.sourceAddr,
    },
  });
  const units = createUnitStore(dataSource);
  const directory = createUnitDirectory({ store: units });
  units.onChange(() => directory.invalidate());
  const photos = new PhotoStore(dataSource, { dir: config.photos.dir, maxBytes: config.photos.maxBytes, maxPixels: config.photos.maxPixels });
  const taskClock = {
    async taskCreatedAt(taskId: string): Promise<Date | null> {
      const task = await dataSource.getRepository(TaskEntity).findOne({ where: { id: taskId }, select: { id: true, createdAt: true } });
      return task?.createdAt ?? null;
    },
  };
  const workers = [
    createSmsNotifyWorker({ sms }) as Worker<never>,
    createPhotoVerifyWorker({ photos, taskClock, config: { maxDistanceMeters: config.photos.maxDistanceMeters, clockSkewMs: config.photos.clockSkewMs } }) as Worker<never>,
    createUnitAssignWorker({ units: directory, workload: workloadFrom(dataSource), config: { borderToleranceM: config.units.borderToleranceM } }) as Worker<never>,
  ];
  return {
    sms,
    units,
    unitDirectory: directory,
    photos,
    workers,
    async stop() {
      await sms.stop();
    },
  };
}
